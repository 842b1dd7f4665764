# The claim study (README: "Is the blog's claim true?"): not part of the main
# job; run it with `snakemake --cores 4 claim`.


rule claim_run:
    input:
        **MNIST,
        prior="results/image_prior.npz",
        mean_images="results/mean_images.npy",
    output:
        networks="results/claim/runs/{run}/networks.csv",
        clarity="results/claim/runs/{run}/clarity.csv",
        params=expand("results/claim/params/{{run}}_p{point}.npz", point=CLAIM_POINTS),
        images=expand(
            "results/claim/images/{{run}}_p{point}/{method}.npy",
            point=CLAIM_POINTS,
            method=backquery_methods(),
        ),
    log:
        "results/claim/logs/{run}.log",
    benchmark:
        "results/claim/benchmarks/{run}.tsv"
    wildcard_constraints:
        run=one_of(CLAIM_RUNS),
    conda:
        "../envs/mnistnn.yaml"
    threads: 1
    resources:
        mem_mb=1200,
        runtime=20,
    params:
        study=sorted_keys(config["claim"]),
        methods=selected_methods(),
    script:
        "../scripts/claim_run.py"


rule claim_summary:
    input:
        networks=expand("results/claim/runs/{run}/networks.csv", run=CLAIM_RUNS),
        clarity=expand("results/claim/runs/{run}/clarity.csv", run=CLAIM_RUNS),
    output:
        networks=report(
            CLAIM_TABLES["networks"],
            caption="../report/claim_networks.rst",
            category="Claim",
        ),
        clarity=report(
            CLAIM_TABLES["clarity"],
            caption="../report/claim_clarity.rst",
            category="Claim",
        ),
        correlation=report(
            CLAIM_TABLES["correlation"],
            caption="../report/claim_correlation.rst",
            category="Claim",
        ),
        turning_points=report(
            CLAIM_TABLES["turning_points"],
            caption="../report/claim_turning_points.rst",
            category="Claim",
        ),
        figure=report(
            "results/claim/clarity_vs_accuracy.png",
            caption="../report/claim_figure.rst",
            category="Claim",
        ),
        arrays="results/claim/clarity_vs_accuracy.npz",
        figure_copy="results/figures/claim.png",
        arrays_copy="results/figures/claim.npz",
    log:
        "results/claim/logs/summary.log",
    localrule: True
    conda:
        "../envs/mnistnn.yaml"
    params:
        study=sorted_keys(config["claim"]),
    script:
        "../scripts/claim_summary.py"


rule claim:
    input:
        claim_run_files(),
        rules.claim_summary.output,
