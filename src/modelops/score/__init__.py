"""Batch scoring: files of applications scored as the service scores a request, in constant
memory on one machine, or partition by partition on a Dask cluster."""
