rule image_prior:
    input:
        MNIST["train_images"],
    output:
        "results/image_prior.npz",
    log:
        "results/logs/image_prior.log",
    benchmark:
        "results/benchmarks/image_prior.tsv"
    priority: OTHERS_WAIT_FOR
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
    priority: OTHERS_WAIT_FOR
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/mean_images.py"


rule backquery:
    input:
        params=param_files("results/{model}/params"),
        prior="results/image_prior.npz",
        train_images=MNIST["train_images"],
    output:
        images=method_files("results/{model}/backquery", backquery_methods()),
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
    wildcard_constraints:
        model=one_of(analysed_models()),
    priority: OTHERS_WAIT_FOR
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


# A model shown only in the montages (`analysis: montage`) needs only the book's
# backquery and the queries: no image prior, no training images, no other method.
rule seed_backquery:
    input:
        params=param_files("results/{model}/params"),
    output:
        images=method_files("results/{model}/backquery", ["seed"]),
        queries=query_files("results/{model}/queries"),
    log:
        "results/{model}/logs/backquery.log",
    benchmark:
        "results/{model}/benchmarks/backquery.tsv"
    wildcard_constraints:
        model=one_of(montage_models()),
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=300,
        runtime=5,
    params:
        queries=config["queries"],
    script:
        "../scripts/seed_backquery.py"


# A trained model's control is its own initial network, known from the config
# alone: it is made without waiting for training.
rule control_params:
    output:
        param_files("results/{model}/control/params"),
    log:
        "results/{model}/logs/control_params.log",
    wildcard_constraints:
        model=one_of(trained_models()),
    priority: OTHERS_WAIT_FOR
    conda:
        "../envs/mnistnn.yaml"
    params:
        hidden_nodes=lambda wildcards: MODELS[wildcards.model]["hidden_nodes"],
        init_seed=lambda wildcards: MODELS[wildcards.model]["seed"],
    script:
        "../scripts/control_params.py"


# An imported model's files say how many hidden units its control needs.
rule imported_control_params:
    input:
        param_files("results/{model}/params"),
    output:
        param_files("results/{model}/control/params"),
    log:
        "results/{model}/logs/control_params.log",
    wildcard_constraints:
        model=one_of(imported_models()),
    priority: OTHERS_WAIT_FOR
    conda:
        "../envs/mnistnn.yaml"
    params:
        init_seed=config["backquery"]["control_seed"],
    script:
        "../scripts/imported_control_params.py"


rule backquery_control:
    input:
        params=param_files("results/{model}/control/params"),
        prior="results/image_prior.npz",
        train_images=MNIST["train_images"],
    output:
        method_files("results/{model}/control", backquery_methods()),
    log:
        "results/{model}/logs/backquery_control.log",
    benchmark:
        "results/{model}/benchmarks/backquery_control.tsv"
    priority: OTHERS_WAIT_FOR
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=500,
        runtime=10,
    params:
        methods=selected_methods(),
    script:
        "../scripts/backquery_control.py"


rule quality:
    input:
        **MNIST,
        params=param_files("results/{model}/params"),
        control_params=control_params,
        images=method_images("results/{model}/backquery"),
        control_images=method_images(control_folder),
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
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../scripts/quality.py"


rule evolution:
    input:
        snapshots="results/{model}/snapshots/weights.npz",
        prior="results/image_prior.npz",
        train_images=MNIST["train_images"],
        test_images=MNIST["test_images"],
        test_labels=MNIST["test_labels"],
    output:
        "results/{model}/evolution.npz",
    log:
        "results/{model}/logs/evolution.log",
    benchmark:
        "results/{model}/benchmarks/evolution.tsv"
    wildcard_constraints:
        model=one_of(trained_models()),
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=800,
        runtime=15,
    params:
        methods=evolution_methods(),
        settings=selected_methods(),
    script:
        "../scripts/evolution.py"
