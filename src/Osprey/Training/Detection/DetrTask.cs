using Osprey.Data;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detr;
using Osprey.Models;
using Osprey.Models.Detection.Detr;
using Osprey.Torch.NN;

namespace Osprey.Training.Detection;

/// <summary>
/// DETR detection as facebookresearch/detr's main.py trains it: COCO data, the official transforms (multi-scale resize
/// or resize-crop-resize, ImageNet normalization) scaled to the run's input side, images padded into a batch with their
/// mask (<see cref="PadCollate"/>), the set criterion with auxiliary decoding losses (terms as the official log:
/// loss_ce, loss_bbox, loss_giou summed over layers, class_error, cardinality_error), AdamW with the backbone at a tenth
/// of the learning rate, clipping 0.1 and a step drop at two thirds of the epochs, COCO AP as the fitness.
/// </summary>
public sealed class DetrTask : TrainingTask<DetrOutput>
{
    public override string Name => "detect";
    public override ModelTask Models => ModelTask.Detect;
    public override IReadOnlyList<string> LossNames { get; } = ["loss_ce", "loss_bbox", "loss_giou", "class_error", "cardinality_error"];
    public override IReadOnlyList<string> MetricNames => DetrEvaluator.Names;
    public override ICollate Collate => PadCollate.Instance;

    /// <summary>main.py's defaults: AdamW, weight decay 1e-4, clipping at 0.1, no warm-up, 2 images per process.</summary>
    public override TrainOptions Defaults => new()
    {
        Task = Name, Model = "detr-r18-light", Data = FashionScenes.Name, Batch = 2, Optimizer = OptimizerKind.AdamW,
        WeightDecay = 1e-4, GradClip = 0.1, WarmupEpochs = 0,
    };

    /// <summary>The official transformer learning rate.</summary>
    public override double DefaultLr(TrainOptions options) => new DetrRecipe().Lr;

    public override TaskData LoadData(TrainOptions o)
    {
        var (train, val, description) = DetectionSource.OpenCoco(o.Data);
        int side = o.Imgsz ?? (int)ModelRegistry.Get(o.Model).DefaultImageSize;
        var sizes = Sizes(side);
        IDataset<Sample> trainSet = o.Fraction < 1 ? Osprey.Data.Datasets.Subset.Random(train, o.Fraction, o.Seed) : train;
        return new TaskData(trainSet, o.Val ? val : null, DetrTransforms.Train(sizes), DetrTransforms.Val(sizes), train.Classes, 3, side,
                            Normalize.ImageNetMean, Normalize.ImageNetStd, description);
    }

    /// <summary>The official sizes (800 px: scales 480..800, crops 384..600 after a 400/500/600 resize, longer side at
    /// most 1333) scaled to <paramref name="side"/>, so a CPU can train at smaller inputs.</summary>
    public static DetrTransformSizes Sizes(int side)
    {
        if (side == 800) return new DetrTransformSizes();
        long Scale(long official) => Math.Max(8, (long)Math.Round(official * side / 800.0));
        var official = new DetrTransformSizes();
        return new DetrTransformSizes
        {
            Scales = official.Scales.Select(Scale).Distinct().ToArray(),
            MaxSize = Scale(official.MaxSize),
            CropResizeSizes = official.CropResizeSizes.Select(Scale).ToArray(),
            CropMin = Scale(official.CropMin),
            CropMax = Scale(official.CropMax),
            ValSize = side,
        };
    }

    protected override ICriterion<DetrOutput> CreateCriterion(IImageModel<DetrOutput> model, TaskData data, TrainOptions o) =>
        new DetrSetCriterion(new DetrCriterion(data.Classes.Count));

    protected override IEvaluator<DetrOutput> CreateEvaluator(TaskData data, TrainOptions o) => new DetrEvaluator(data.Classes.Count);

    public override IStepPolicy CreateSteps(Module model, TrainOptions o, TrainingPlan plan) => DetrSteps.Create(model, o, plan);

    public override Pictures.ITaskPictures? Pictures(TaskData data) => new DetrPictures(data);

    public override ValidationReport Validate(TrainedModel trained, ValidationRequest request) => DetrValidation.Run(this, trained, request);

    public override IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request) =>
        new DetrDetector(trained).Predict(files, request);
}

/// <summary>The official set criterion on a padded batch: targets normalized by each image's own size.</summary>
public sealed class DetrSetCriterion(DetrCriterion criterion, Func<double, double>? boxNormaliser = null)
    : ICriterion<DetrOutput>, Distributed.IRankAwareCriterion<DetrOutput>
{
    public LossTerms Compute(DetrOutput output, Batch batch) =>
        criterion.ToLossTerms(criterion.Compute(output, DetrTargets.FromBatch(batch), boxNormaliser));

    /// <summary>The official code's num_boxes: all-reduced, divided by the world size, at least 1.</summary>
    public ICriterion<DetrOutput> ForWorld(Osprey.Torch.Distributed.ProcessGroup group) =>
        new DetrSetCriterion(criterion, boxes => Distributed.RankReduce.MeanBoxCount(group, boxes));
}
