namespace Osprey.Data;

/// <summary>
/// A dataset whose samples draw on randomness or on the epoch: mosaic and mixup read other samples of the dataset,
/// closing them for the last epochs. The loader calls <see cref="Get(SampleContext)"/> with the sample's context;
/// <see cref="IDataset{TSample}.Get(int)"/> stays the plain, context-free sample.
/// </summary>
public interface IRandomizedDataset : IDataset<Sample>
{
    Sample Get(SampleContext context);
}
