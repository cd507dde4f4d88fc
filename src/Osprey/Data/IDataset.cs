namespace Osprey.Data;

/// <summary>
/// A finite, indexable collection of samples. <see cref="Get"/> must be safe to call from several threads at once
/// (the loader's workers do) and returns new tensors, made on the calling thread and owned by the caller (its
/// TensorScope): a dataset that keeps tensors in memory returns clones or aliases, never the tensors it keeps.
/// </summary>
public interface IDataset<out TSample>
{
    int Count { get; }
    TSample Get(int index);
}

/// <summary>A dataset whose samples carry a class label; the class names travel with it (index = label).</summary>
public interface IClassificationDataset : IDataset<Sample>
{
    IReadOnlyList<string> Classes { get; }
}
