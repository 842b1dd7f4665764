rule image_prior:
    input:
        MNIST["train_images"],
    output:
        "results/image_prior.npz",
    log:
        "results/logs/image_prior.log",
    benchmark:
        "results/benchmarks/image_prior.tsv"
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        settings=sorted_keys(config["backquery"]["image_prior"]),
    script:
        "../scripts/image_prior.py"


rule mean_images:
    input:
        images=MNIST["train_images"],
        labels=MNIST["train_labels"],
    output:
        "results/mean_images.npy",
    log:
        "results/logs/mean_images.log",
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/mean_images.py"


rule backquery:
    input:
        params=param_files("results/{model}/params"),
        prior="results/image_prior.npz",
        train_images=MNIST["train_images"],
        mean_images="results/mean_images.npy",
    output:
        images=method_files("results/{model}/backquery", methods_and_mean()),
        queries=[
            (
                shown(
                    path,
                    "queries",
                    f"{path.split('/')[-1]}: an extra label vector run backwards",
                    subcategory="Queries",
                )
                if path.endswith(".png")
                else path
            )
            for path in query_files("results/{model}/queries")
        ],
    log:
        "results/{model}/logs/backquery.log",
    benchmark:
        "results/{model}/benchmarks/backquery.tsv"
    priority: CRITICAL_PATH
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=500,
        runtime=10,
    params:
        methods=selected_methods(),
        queries=config["queries"],
    script:
        "../scripts/backquery.py"


rule control_params:
    input:
        imported_param_files,
    output:
        param_files("results/{model}/control/params"),
    log:
        "results/{model}/logs/control_params.log",
    conda:
        "../envs/mnistnn.yaml"
    params:
        hidden_nodes=control_hidden_nodes,
        seed=control_seed,
    script:
        "../scripts/control_params.py"


use rule backquery as backquery_control with:
    input:
        params=param_files("results/{model}/control/params"),
        prior="results/image_prior.npz",
        train_images=MNIST["train_images"],
    output:
        images=method_files("results/{model}/control", backquery_methods()),
    log:
        "results/{model}/logs/backquery_control.log",
    benchmark:
        "results/{model}/benchmarks/backquery_control.tsv"
    params:
        methods=selected_methods(),
        queries={},


rule quality:
    input:
        **MNIST,
        params=param_files("results/{model}/params"),
        control_params=param_files("results/{model}/control/params"),
        images=method_images("results/{model}/backquery"),
        control_images=method_images("results/{model}/control"),
        mean_images="results/mean_images.npy",
    output:
        quality=shown(
            "results/{model}/backquery/quality.csv",
            "quality",
            "quality.csv: every backquery's scores",
            subcategory="Backquery quality",
        ),
        control="results/{model}/backquery/control.csv",
        summary=shown(
            "results/{model}/backquery/summary.csv",
            "quality_summary",
            "summary.csv: each method's scores, on the network and on its untrained control",
            subcategory="Backquery quality",
        ),
    log:
        "results/{model}/logs/quality.log",
    priority: CRITICAL_PATH
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../scripts/quality.py"
