rule explorer:
    input:
        params=param_files("results/{model}/params"),
        quality="results/{model}/backquery/quality.csv",
        images=method_images("results/{model}/backquery"),
        mean_images="results/mean_images.npy",
    output:
        shown(
            "results/{model}/explorer.html",
            "explorer",
            "explorer.html: run the network backwards and forwards yourself",
            subcategory="Explorer",
        ),
    log:
        "results/{model}/logs/explorer.log",
    priority: READS_MANY_FILES
    conda:
        "../envs/mnistnn.yaml"
    params:
        queries=config["queries"],
    script:
        "../scripts/explorer.py"
