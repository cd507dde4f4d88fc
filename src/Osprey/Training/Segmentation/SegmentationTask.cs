using System.Globalization;
using Osprey.Data;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Datasets;
using Osprey.Data.Transforms;
using Osprey.Metrics;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training.Segmentation;

/// <summary>
/// Semantic segmentation: per-pixel logits against class masks (ignore = 255) with cross entropy, PSPNet's auxiliary
/// loss at 0.4 where the model has an aux head; trained on crops of imgsz as the PSPNet paper augments
/// (<see cref="SegmentationPipelines.Train"/>; options scale_min, scale_max, rotation, blur, fliplr, elastic), validated on whole images; mIoU (mmsegmentation's definition) is the
/// fitness. The task is made per model: its loss terms are ["main", "aux", "dice"] for PSPNet and ["main", "dice"]
/// otherwise (<see cref="SegmentationCriterion"/>; options aux_weight, dice, class_weights, weight_map).
/// </summary>
public sealed class SegmentationTask(ModelEntry? model = null) : TrainingTask<SegmentationOutput>
{
    readonly bool auxHead = model?.Family == "pspnet";

    public override string Name => "segment";
    public override ModelTask Models => ModelTask.Segment;
    public override IReadOnlyList<string> LossNames => auxHead ? SegmentationCriterion.MainAuxAndDice : SegmentationCriterion.MainAndDice;
    public override IReadOnlyList<string> MetricNames { get; } = SegmentationEvaluator.MetricNames.Select(n => "metrics/" + n).ToArray();

    /// <summary>The PSPNet paper's recipe: SGD momentum 0.9 (no Nesterov), weight decay 1e-4, batch 16, poly decay.</summary>
    /// <summary>The PSPNet paper's recipe: SGD momentum 0.9 (plain, as the paper and mmsegmentation), weight decay 1e-4,
    /// batch 16, poly power 0.9 per iteration from the base rate 0.01 (<see cref="DefaultLr"/>) to 0 with no warmup.</summary>
    public override TrainOptions Defaults => new()
    {
        Task = Name, Model = "unet", Data = FashionScenes.Name, Batch = 16, Nesterov = false, WeightDecay = 1e-4,
        Schedule = ScheduleKind.Poly, Power = 0.9, Lrf = 0, WarmupEpochs = 0,
    };

    /// <summary>Validation images differ in size: padded to the batch's largest (masks with ignore).</summary>
    public override ICollate Collate => PadCollate.Instance;

    public override TaskData LoadData(TrainOptions o)
    {
        var entry = ModelRegistry.Get(o.Model);
        if (entry.Family == "unet" && entry.Name != "unet")
            throw new OptionsException("model", $"option 'model' = {o.Model}: the valid UNet predicts a smaller centre and needs overlap-tile " +
                                                "training, which the segment task does not run yet; use unet (padded)");
        int size = o.Imgsz ?? (int)entry.DefaultImageSize;
        if (entry.Family == "unet" && size % 16 != 0)
            throw new OptionsException("imgsz", $"option 'imgsz' = {size}: {o.Model} needs a multiple of 16 (four 2x2 poolings)");
        var source = SegmentationSource.Open(o.Data);
        IDataset<Sample> train = source.Train;
        if (o.Fraction < 1) train = Subset.Random(train, o.Fraction, o.Seed);
        var mean = SegmentationSource.Mean;
        var std = SegmentationSource.Std;
        var divisor = entry.Family == "unet" ? 16 : 1;
        return new TaskData(train, o.Val ? source.Val : null,
                            SegmentationPipelines.Train(size, mean, std, o.ScaleMin, o.ScaleMax, o.Rotation, o.Blur, o.Fliplr, o.Elastic),
                            new Compose(SegmentationPipelines.Val(mean, std), new PadToMultiple(divisor)),
                            source.Classes, 3, size, mean, std, source.Description)
        {
            Palette = source.Palette, IgnoreIndex = source.Train.IgnoreIndex,
        };
    }

    protected override ICriterion<SegmentationOutput> CreateCriterion(IImageModel<SegmentationOutput> model, TaskData data, TrainOptions o)
    {
        bool hasAux = model is PSPNet { Options.AuxHead: true };
        if (hasAux != auxHead)
            throw new ArgumentException($"the segment task was made for a model {(auxHead ? "with" : "without")} an auxiliary head; " +
                                        $"{((Module)model).TypeName} has {(hasAux ? "one" : "none")} (create the task with TaskRegistry.Get(\"segment\", model))");
        float[]? weights = o.ClassWeights is { } text ? TrainOptions.ParseClassWeights(text) : null;
        if (weights != null && weights.Length != data.Classes.Count)
            throw new OptionsException("class_weights", $"option 'class_weights' = {o.ClassWeights}: {weights.Length} weights for the " +
                                       $"{data.Classes.Count} classes of {data.Description} ({string.Join(", ", data.Classes)})");
        var crossEntropy = new SegmentationCrossEntropy(weights, Sample.IgnoreIndex);
        return new SegmentationCriterion(new PSPNetCriterion(crossEntropy, o.AuxWeight), auxHead, o.Dice, o.WeightMap);
    }

    protected override IEvaluator<SegmentationOutput> CreateEvaluator(TaskData data, TrainOptions o) => new SegmentationEvaluator(data.Classes.Count);

    /// <summary>The PSPNet paper's base learning rate, 0.01, for SGD (AdamW: the options' default).</summary>
    public override double DefaultLr(TrainOptions options) => options.Optimizer == OptimizerKind.Sgd ? 0.01 : options.InitialLr;


    /// <summary>mmsegmentation's test batch: one image, so no image is padded to another's size.</summary>
    public override int DefaultValidationBatch => 1;

    public override Pictures.ITaskPictures? Pictures(TaskData data) => new SegmentationPictures(data);

    public override ValidationReport Validate(TrainedModel trained, ValidationRequest request)
    {
        var (scores, source, images) = SegmentationValidation.Run(trained, request);
        var test = request.Segmentation ?? SegmentationTestOptions.Default;
        var iou = scores.Iou;
        var accuracy = scores.Accuracy;
        var rows = new List<IReadOnlyList<string>>();
        for (int c = 0; c < iou.Length; c++)
            rows.Add([trained.Classes[c], scores.AreaLabel[c].ToString(CultureInfo.InvariantCulture), Percent(iou[c]), Percent(accuracy[c])]);
        return new ValidationReport(
            $"{trained.Info.Model} ({trained.Path}, epoch {trained.Epoch}{(trained.UsesEma ? ", EMA weights" : "")}) on {source.Description} " +
            $"({request.Split ?? "val"}): {images} images, {test.Describe()}, batch {request.Batch}",
            [
                new ReportMetric("mIoU", scores.MeanIou, Percent(scores.MeanIou)),
                new ReportMetric("mAcc", scores.MeanAccuracy, Percent(scores.MeanAccuracy)),
                new ReportMetric("aAcc", scores.PixelAccuracy, Percent(scores.PixelAccuracy)),
            ],
            new ReportTable(["class", "pixels", "IoU", "accuracy"], rows));
    }

    public override IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request)
    {
        var test = request.Segmentation ?? SegmentationTestOptions.Default;
        var segmenter = new Segmenter(trained, request.ImageSize, test: test);
        foreach (var file in files)
            yield return segmenter.Predict(file, request.SaveDirectory);
    }

    public static string Percent(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
