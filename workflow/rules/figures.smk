rule methods_figure:
    input:
        quality="results/{model}/backquery/quality.csv",
        images=method_images("results/{model}/backquery"),
        mean_images="results/mean_images.npy",
        metrics="results/{model}/metrics.json",
    output:
        figure=shown(
            "results/{model}/methods.png",
            "methods",
            "methods.png: each method's image of every digit, with its scores",
            subcategory="Backquery",
        ),
        table=shown(
            "results/{model}/methods.csv",
            "table",
            "methods.csv: the numbers behind methods.png",
            subcategory="Backquery",
        ),
    log:
        "results/{model}/logs/methods_figure.log",
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    params:
        control=False,
    script:
        "../scripts/methods_figure.py"


use rule methods_figure as control_figure with:
    input:
        quality="results/{model}/backquery/control.csv",
        images=method_images(control_folder),
        mean_images="results/mean_images.npy",
        metrics="results/{model}/metrics.json",
    output:
        figure=shown(
            "results/{model}/control_methods.png",
            "control_methods",
            "control_methods.png: the same methods on the untrained network",
            subcategory="Backquery",
        ),
        table=shown(
            "results/{model}/control_methods.csv",
            "table",
            "control_methods.csv: the numbers behind control_methods.png",
            subcategory="Backquery",
        ),
    log:
        "results/{model}/logs/control_figure.log",
    params:
        control=True,


rule evolution_figure:
    input:
        images="results/{model}/evolution.npz",
        snapshots="results/{model}/snapshots/weights.npz",
    output:
        figure=shown(
            "results/{model}/evolution.png",
            "evolution",
            "evolution.png: the images as the network learns",
            subcategory="Training",
        ),
        table=shown(
            "results/{model}/evolution.csv",
            "table",
            "evolution.csv: the numbers behind evolution.png",
            subcategory="Training",
        ),
    log:
        "results/{model}/logs/evolution_figure.log",
    wildcard_constraints:
        model=one_of(trained_models()),
    priority: READS_MANY_FILES
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
        shown(
            "results/{model}/hidden_units.png",
            "hidden_units",
            "hidden_units.png: what each hidden unit looks for",
            subcategory="Network",
        ),
    log:
        "results/{model}/logs/hidden_units_figure.log",
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/hidden_units_figure.py"


rule similarity_figure:
    input:
        images=method_images("results/{model}/backquery", evolution_methods),
        mean_images="results/mean_images.npy",
    output:
        figure=shown(
            "results/{model}/similarity.png",
            "similarity",
            "similarity.png: does each backquery look like its digit?",
            subcategory="Backquery",
        ),
        table=shown(
            "results/{model}/similarity.csv",
            "table",
            "similarity.csv: the numbers behind similarity.png",
            subcategory="Backquery",
        ),
    log:
        "results/{model}/logs/similarity_figure.log",
    priority: READS_MANY_FILES
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
        shown(
            "results/{model}/examples.png",
            "examples",
            "examples.png: training images it is surest of, and those it mistakes",
            subcategory="Network",
        ),
    log:
        "results/{model}/logs/examples_figure.log",
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    resources:
        mem_mb=1200,
    script:
        "../scripts/examples_figure.py"


rule training_figure:
    input:
        history="results/{model}/history.csv",
        evolution="results/{model}/evolution.csv",
    output:
        figure=shown(
            "results/{model}/training.png",
            "training",
            "training.png: loss and test accuracy during training",
            subcategory="Training",
        ),
        table=shown(
            "results/{model}/training.csv",
            "table",
            "training.csv: the numbers behind training.png",
            subcategory="Training",
        ),
    log:
        "results/{model}/logs/training_figure.log",
    wildcard_constraints:
        model=one_of(trained_models()),
    priority: READS_MANY_FILES
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
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/copy_figures.py"
