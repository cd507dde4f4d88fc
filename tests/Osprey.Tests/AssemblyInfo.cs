// Live-tensor counts are process-wide and libtorch already uses every core: run tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
