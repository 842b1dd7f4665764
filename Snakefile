"""mnistnn: train Rashid's MNIST network, then ask it what it has learned.

download_mnist -> train -> export_params (or import_params) -> evaluate
                                        -> backquery -> montage
"""

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
