rule sweep_summary:
    input:
        metrics=expand("results/{model}/metrics.json", model=SWEEP_MODELS),
        benchmarks=expand("results/{model}/benchmarks/train.tsv", model=SWEEP_MODELS),
        quality=expand("results/{model}/backquery/quality.csv", model=SWEEP_MODELS),
        # per model, the ten images of each method shown, in order
        images=[
            path
            for model in SWEEP_MODELS
            for path in method_images(f"results/{model}/backquery", evolution_methods)(
                {}
            )
        ],
    output:
        table=shown(
            SWEEP_FILES["table"],
            "sweep",
            "summary.csv: every sweep model's settings, accuracy, cost and scores",
            category="Sweep",
        ),
        figure=shown(
            SWEEP_FILES["figure"],
            "sweep",
            "summary.png: accuracy and backquery quality against size and accuracy",
            category="Sweep",
        ),
        grid=shown(
            SWEEP_FILES["grid"],
            "sweep_grid",
            "backqueries.png: what networks of each size imagine",
            category="Sweep",
        ),
        grid_table=shown(
            SWEEP_FILES["grid_table"],
            "table",
            "backqueries.csv: the numbers behind backqueries.png",
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
        methods=evolution_methods(),
    script:
        "../scripts/sweep_summary.py"
