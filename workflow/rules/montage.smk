rule montage:
    input:
        images=digit_files("results/{model}/backquery/seed", ["npy"]),
        metrics="results/{model}/metrics.json",
    output:
        png=report(
            "results/{model}/montage.png",
            caption="../report/montage.rst",
            category="{model}",
            subcategory="Backquery",
        ),
        svg="results/{model}/montage.svg",
    log:
        "results/{model}/logs/montage.log",
    conda:
        "../envs/mnistnn.yaml"
    script:
        "../scripts/montage.py"


rule montage_all:
    input:
        images=expand(
            "results/{model}/backquery/seed/{digit}.npy",
            model=all_models(),
            digit=DIGITS,
        ),
        metrics=expand("results/{model}/metrics.json", model=all_models()),
    output:
        report(
            "results/montage.png",
            caption="../report/montage_all.rst",
            category="All models",
        ),
    log:
        "results/logs/montage_all.log",
    conda:
        "../envs/mnistnn.yaml"
    params:
        models=all_models(),
    script:
        "../scripts/montage_all.py"
