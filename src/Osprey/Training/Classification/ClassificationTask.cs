using System.Globalization;
using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Metrics;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Torch.NN;
using Osprey.Training.Pictures;

namespace Osprey.Training.Classification;

/// <summary>Image classification: logits (N, classes) against labels with (label-smoothed) cross-entropy; top-1/top-5.</summary>
public sealed class ClassificationTask : TrainingTask<ClassificationOutput>
{
    public override string Name => "classify";
    public override ModelTask Models => ModelTask.Classify;
    public override IReadOnlyList<string> LossNames { get; } = ["loss"];
    public override IReadOnlyList<string> MetricNames { get; } = ["metrics/accuracy_top1", "metrics/accuracy_top5"];

    public override TaskData LoadData(TrainOptions o)
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

    protected override ICriterion<ClassificationOutput> CreateCriterion(IImageModel<ClassificationOutput> model, TaskData data, TrainOptions o) =>
        new CrossEntropyCriterion(o.LabelSmoothing);

    protected override IEvaluator<ClassificationOutput> CreateEvaluator(TaskData data, TrainOptions o) => new ClassificationEvaluator(data.Classes.Count);

    public override ITaskPictures? Pictures(TaskData data) => new ClassificationPictures(data);

    public override ValidationReport Validate(TrainedModel trained, ValidationRequest request)
    {
        var (metrics, source) = ClassificationValidation.Run(trained, request.Data, request.Batch, request.Workers, request.Progress, request.Split);
        var perClass = metrics.Confusion.PerClassAccuracy();
        var rows = new List<IReadOnlyList<string>>();
        for (int c = 0; c < perClass.Length; c++)
        {
            long images = Enumerable.Range(0, perClass.Length).Sum(p => metrics.Confusion[c, p]);
            rows.Add([trained.Classes[c], images.ToString(CultureInfo.InvariantCulture), Percent(perClass[c])]);
        }
        return new ValidationReport(
            $"{trained.Info.Model} ({trained.Path}, epoch {trained.Epoch}{(trained.UsesEma ? ", EMA weights" : "")}) on {source.Description}{(request.Split == "train" ? ", train split" : "")}: {metrics.Count} images",
            [new ReportMetric("top-1", metrics.Top1, Percent(metrics.Top1)), new ReportMetric("top-5", metrics.Top5, Percent(metrics.Top5))],
            new ReportTable(["class", "images", "accuracy"], rows));
    }

    public override IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request)
    {
        foreach (var prediction in new Classifier(trained).Predict(files, request.Top, request.BatchSize))
        {
            if (request.SaveDirectory != null) prediction.Save(request.SaveDirectory);
            yield return prediction;
        }
    }

    public static string Percent(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";
}

/// <summary>Cross-entropy of the logits against the labels, with optional label smoothing.</summary>
public sealed class CrossEntropyCriterion(double labelSmoothing) : ICriterion<ClassificationOutput>
{
    public LossTerms Compute(ClassificationOutput output, Batch batch) =>
        LossTerms.Single(Functional.CrossEntropy(output.Logits, batch.Labels, labelSmoothing: labelSmoothing));
}

/// <summary>Validation of a classifier: top-1/top-5 and the confusion matrix (per-class accuracy).</summary>
public sealed class ClassificationEvaluator(int classes) : IEvaluator<ClassificationOutput>, IMergeableEvaluator
{
    public ClassificationMetrics Metrics { get; } = new(classes);

    public void Add(ClassificationOutput output, Batch batch) => Metrics.Update(output.Logits, batch.Labels);

    public void WriteState(BinaryWriter writer) => Metrics.WriteState(writer);
    public void AppendState(BinaryReader reader) => Metrics.AppendState(reader);

    public IReadOnlyList<double> Values() => [Metrics.Top1, Metrics.Top5];

    public double Fitness => Metrics.Top1;
}
