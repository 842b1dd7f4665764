rule sweep_summary:
    input:
        metrics=expand("results/{model}/metrics.json", model=SWEEP_MODELS),
        benchmarks=expand("results/{model}/benchmarks/train.tsv", model=SWEEP_MODELS),
        quality=expand("results/{model}/backquery/quality.csv", model=SWEEP_MODELS),
        # ten per model, digits in order
        seed_images=(
            expand(
                "results/{model}/backquery/seed/{digit}.npy",
                model=SWEEP_MODELS,
                digit=range(10),
            )
            if "seed" in METHODS_RUN
            else []
        ),
    output:
        table=report(
            "results/sweep/summary.csv",
            caption="../report/sweep.rst",
            category="Sweep",
        ),
        figure=report(
            "results/sweep/summary.png",
            caption="../report/sweep.rst",
            category="Sweep",
        ),
    log:
        "results/logs/sweep_summary.log",
    # a light aggregation: not worth a trip through a cluster's queue
    localrule: True
    conda:
        "../envs/mnistnn.yaml"
    params:
        models={name: MODELS[name] for name in SWEEP_MODELS},
    script:
        "../scripts/sweep_summary.py"
