rule download_mnist:
    output:
        # Snakemake itself checks each file's pinned SHA-256 once the job is done
        **{
            key: ensure(path, sha256=config["mnist"]["sha256"][MNIST_FILES[key]])
            for key, path in MNIST.items()
        },
    log:
        "results/logs/download_mnist.log",
    # on a cluster, downloads run where the internet is: on the submitting host
    localrule: True
    conda:
        "../envs/mnistnn.yaml"
    params:
        sources=config["mnist"]["sources"],
        timeout=config["mnist"]["timeout"],
        sha256=sorted_keys(config["mnist"]["sha256"]),
    script:
        "../scripts/download_mnist.py"
