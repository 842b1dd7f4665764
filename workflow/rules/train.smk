rule train:
    input:
        **MNIST,
    output:
        model="results/{model}/model.npz",
        history=shown(
            "results/{model}/history.csv",
            "history",
            "history.csv: loss, test accuracy and time per epoch",
            subcategory="Training",
        ),
        snapshots="results/{model}/snapshots/weights.npz",
    log:
        "results/{model}/logs/train.log",
    benchmark:
        "results/{model}/benchmarks/train.tsv"
    wildcard_constraints:
        model=one_of(trained_models()),
    conda:
        "../envs/mnistnn.yaml"
    threads: 1
    resources:
        mem_mb=800,
        runtime=30,
    params:
        settings=model_settings,
    script:
        "../scripts/train.py"


rule export_params:
    input:
        "results/{model}/model.npz",
    output:
        param_files("results/{model}/params"),
    log:
        "results/{model}/logs/export_params.log",
    wildcard_constraints:
        model=one_of(trained_models()),
    priority: OTHERS_WAIT_FOR
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/export_params.py"


rule import_params:
    input:
        lambda wildcards: param_files(config["imported_models"][wildcards.model]),
    output:
        param_files("results/{model}/params"),
    log:
        "results/{model}/logs/import_params.log",
    wildcard_constraints:
        model=one_of(imported_models()),
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/import_params.py"


rule evaluate:
    input:
        params=param_files("results/{model}/params"),
        test_images=MNIST["test_images"],
        test_labels=MNIST["test_labels"],
        history=training_history,
    output:
        metrics=shown(
            "results/{model}/metrics.json",
            "metrics",
            "metrics.json: test accuracy, overall and per digit",
            subcategory="Test accuracy",
        ),
        confusion=shown(
            "results/{model}/confusion.csv",
            "confusion",
            "confusion.csv: which digit is taken for which",
            subcategory="Test accuracy",
        ),
    log:
        "results/{model}/logs/evaluate.log",
    # every figure's subtitle gives the test accuracy; and each ready job that waits costs
    # Snakemake's scheduler a look at its inputs in every scheduling round
    priority: OTHERS_WAIT_FOR
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/evaluate.py"
