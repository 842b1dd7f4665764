rule methods_figure:
    input:
        quality="results/{model}/backquery/quality.csv",
        images=method_images("results/{model}/backquery"),
        mean_images="results/mean_images.npy",
    output:
        report(
            "results/{model}/methods.png",
            caption="../report/methods.rst",
            category="{model}",
            subcategory="Backquery",
        ),
    log:
        "results/{model}/logs/methods_figure.log",
    priority: CRITICAL_PATH
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/methods_figure.py"


rule evolution_figure:
    input:
        images="results/{model}/evolution.npz",
        snapshots="results/{model}/snapshots/weights.npz",
    output:
        report(
            "results/{model}/evolution.png",
            caption="../report/evolution.rst",
            category="{model}",
            subcategory="Training",
        ),
    log:
        "results/{model}/logs/evolution_figure.log",
    wildcard_constraints:
        model=one_of(trained_models()),
    conda:
        "../envs/mnistnn.yaml"
    params:
        methods=evolution_methods(),
    script:
        "../scripts/evolution_figure.py"


rule hidden_units_figure:
    input:
        param_files("results/{model}/params"),
    output:
        report(
            "results/{model}/hidden_units.png",
            caption="../report/hidden_units.rst",
            category="{model}",
            subcategory="Network",
        ),
    log:
        "results/{model}/logs/hidden_units_figure.log",
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/hidden_units_figure.py"


rule similarity_figure:
    input:
        images=method_images("results/{model}/backquery", evolution_methods),
        mean_images="results/mean_images.npy",
    output:
        report(
            "results/{model}/similarity.png",
            caption="../report/similarity.rst",
            category="{model}",
            subcategory="Backquery",
        ),
    log:
        "results/{model}/logs/similarity_figure.log",
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/similarity_figure.py"


rule examples_figure:
    input:
        params=param_files("results/{model}/params"),
        train_images=MNIST["train_images"],
        train_labels=MNIST["train_labels"],
    output:
        report(
            "results/{model}/examples.png",
            caption="../report/examples.rst",
            category="{model}",
            subcategory="Network",
        ),
    log:
        "results/{model}/logs/examples_figure.log",
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=1200,
    script:
        "../scripts/examples_figure.py"


rule training_figure:
    input:
        "results/{model}/history.csv",
    output:
        report(
            "results/{model}/training.png",
            caption="../report/training.rst",
            category="{model}",
            subcategory="Training",
        ),
    log:
        "results/{model}/logs/training_figure.log",
    wildcard_constraints:
        model=one_of(trained_models()),
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/training_figure.py"


rule figures:
    input:
        montage=f"{FIGURES_MODEL}/montage.png",
        methods=f"{FIGURES_MODEL}/methods.png",
        evolution=f"{FIGURES_MODEL}/evolution.png",
        montage_images=digit_files(f"{FIGURES_MODEL}/backquery/seed", ["npy"]),
        methods_images=method_images(f"{FIGURES_MODEL}/backquery"),
        mean_images="results/mean_images.npy",
        evolution_images=f"{FIGURES_MODEL}/evolution.npz",
    output:
        **FIGURES,
    log:
        "results/logs/figures.log",
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/copy_figures.py"
