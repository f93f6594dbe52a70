"""Python helpers of the reconciliation project: the contract reader, the labelled
data generator, the evaluation of built marts and the Great Expectations runner.
The scripts in ``scripts/`` are thin command lines over this package."""
