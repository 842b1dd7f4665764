"""mnistnn: train Rashid's MNIST network, then ask it what it has learned.

Each stage is one rule file in workflow/rules/:

    data       download_mnist                       resources/mnist/
    train      train, export_params or              results/{model}/model.npz, params/,
               import_params, evaluate              metrics.json
    backquery  image_prior, mean_images, backquery  results/{model}/backquery/{method}/,
               (seed_backquery for a montage-only   queries/, control/, evolution.npz
               model), control_params or
               imported_control_params,
               backquery_control, quality, evolution
    montage    montage, montage_all                 results/{model}/montage.png
    figures    *_figure, figures                    results/{model}/*.png, results/figures/
    explorer   explorer                             results/{model}/explorer.html
    sweep      sweep_summary                        results/sweep/
    report     front_page                           results/report/front_page.rst, the
                                                    first page of `snakemake --report`
    claim      claim_run, claim_summary, claim      results/claim/ (only with target `claim`)
"""

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

from mnistnn.config_schema import schema_refusal

min_version("9.0")


configfile: "config/config.yaml"


# The schema also fills in its defaults; a refusal names the key, the value and the rule.
SCHEMA_REFUSAL = schema_refusal(
    config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml"
)
if SCHEMA_REFUSAL:
    raise WorkflowError(SCHEMA_REFUSAL)


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/backquery.smk"
include: "workflow/rules/montage.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/explorer.smk"
include: "workflow/rules/sweep.smk"
include: "workflow/rules/claim.smk"
include: "workflow/rules/report.smk"


# `snakemake --report results/report.html` opens on this page (rule front_page)
report: FRONT_PAGE


rule all:
    default_target: True
    input:
        final_outputs(),
