namespace Osprey.Data;

/// <summary>
/// Wraps a dataset with a <see cref="IMultiSampleTransform"/>: under the loader every sample is the transform's
/// combination, reproducible from (seed, epoch, index). <see cref="Enabled"/> turns it off for the epochs where it
/// should not run (ultralytics' close_mosaic: the last 10), as a function of the epoch, so a resumed run sees the
/// same samples.
/// </summary>
public sealed class MultiSampleDataset(IDataset<Sample> inner, IMultiSampleTransform transform, Func<int, bool>? enabled = null)
    : IRandomizedDataset
{
    public IDataset<Sample> Inner => inner;
    public int Count => inner.Count;

    public bool Enabled(int epoch) => enabled?.Invoke(epoch) ?? true;

    public Sample Get(int index) => inner.Get(index);

    public Sample Get(SampleContext context) =>
        Enabled(context.Epoch) ? transform.Apply(inner, context) : inner.Get(context.Index);
}
