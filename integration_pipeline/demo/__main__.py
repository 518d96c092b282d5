"""`python -m integration_pipeline.demo [--out DIR] [--month YYYY-MM] [--seed N]`."""

from integration_pipeline.demo.generator import main

main()
