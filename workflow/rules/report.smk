# The report's front page, named by the Snakefile's `report:`: `snakemake --report
# results/report.html` opens on it.


rule front_page:
    input:
        montage=f"{FIGURES_MODEL}/montage.png",
        methods=f"{FIGURES_MODEL}/methods.png",
        summary=f"{FIGURES_MODEL}/backquery/summary.csv",
        metrics=expand("results/{model}/metrics.json", model=all_models()),
    output:
        FRONT_PAGE,
    log:
        "results/logs/front_page.log",
    localrule: True
    conda:
        "../envs/mnistnn.yaml"
    params:
        model=config["figures"]["model"],
        models=all_models(),
    script:
        "../scripts/front_page.py"
