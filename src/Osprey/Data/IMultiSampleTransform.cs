namespace Osprey.Data;

/// <summary>
/// A transform that combines the sample at <see cref="SampleContext.Index"/> with others it reads from
/// <paramref name="dataset"/> (ultralytics' mosaic takes three more, mixup one), choosing them with the context's
/// generator. Tensors are made in the caller's scope, as with <see cref="Transforms.ITransform"/>.
/// </summary>
public interface IMultiSampleTransform
{
    Sample Apply(IDataset<Sample> dataset, SampleContext context);
}
