rule montage:
    input:
        images=digit_files("results/{model}/backquery/seed", ["npy"]),
        metrics="results/{model}/metrics.json",
    output:
        png=shown(
            "results/{model}/montage.png",
            "montage",
            "montage.png: what the network imagines for each digit",
            subcategory="Backquery",
        ),
        svg="results/{model}/montage.svg",
        table=shown(
            "results/{model}/montage.csv",
            "table",
            "montage.csv: the numbers behind montage.png",
            subcategory="Backquery",
        ),
    log:
        "results/{model}/logs/montage.log",
    priority: READS_MANY_FILES
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
        png=shown(
            "results/montage.png",
            "montage_all",
            "montage.png: what each model imagines for each digit",
            category="All models",
        ),
        table=shown(
            "results/montage.csv",
            "table",
            "montage.csv: the numbers behind montage.png",
            category="All models",
        ),
    log:
        "results/logs/montage_all.log",
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    params:
        models=all_models(),
    script:
        "../scripts/montage_all.py"
