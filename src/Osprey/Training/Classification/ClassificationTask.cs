using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Metrics;
using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training.Classification;

/// <summary>Image classification: logits (N, classes) against labels with (label-smoothed) cross-entropy; top-1/top-5.</summary>
public sealed class ClassificationTask : ITrainingTask
{
    public string Name => "classify";

    public IReadOnlyList<string> MetricNames { get; } = ["top1", "top5"];

    public TaskData LoadData(TrainOptions o)
    {
        var source = ClassificationSource.Open(o.Data);
        int size = o.Imgsz ?? source.NativeSize ?? (int)ModelRegistry.Get(o.Model).DefaultImageSize;
        IDataset<Sample> train = source.Train;
        if (o.Fraction < 1) train = Subset.Random(train, o.Fraction, o.Seed);
        return new TaskData(train, o.Val ? source.Val : null,
                            ClassificationSource.TrainTransform(size, o, source.Mean, source.Std),
                            ClassificationSource.EvalTransform(size, source.Mean, source.Std),
                            source.Train.Classes, source.InChannels, size, source.Mean, source.Std, source.Description);
    }

    public Tensor Loss(IModelOutput output, Batch batch, TrainOptions o) =>
        Functional.CrossEntropy(Logits(output), batch.Labels, labelSmoothing: o.LabelSmoothing);

    public IEvaluator CreateEvaluator(TaskData data, TrainOptions o) => new ClassificationEvaluator(data.Classes.Count);

    internal static Tensor Logits(IModelOutput output) => output is TensorOutput t
        ? t.Value
        : throw new ArgumentException($"classification needs a model that outputs logits, got {output.GetType().Name}");
}

/// <summary>Validation of a classifier: top-1/top-5 and the confusion matrix (per-class accuracy).</summary>
public sealed class ClassificationEvaluator(int classes) : IEvaluator
{
    public ClassificationMetrics Metrics { get; } = new(classes);

    public void Add(IModelOutput output, Batch batch) => Metrics.Update(ClassificationTask.Logits(output), batch.Labels);

    public IReadOnlyList<double> Values() => [Metrics.Top1, Metrics.Top5];

    public double Fitness => Metrics.Top1;
}
