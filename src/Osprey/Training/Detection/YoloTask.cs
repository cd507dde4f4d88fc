using Osprey.Data;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Datasets;
using Osprey.Data.Transforms.Detection;
using Osprey.Models;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Yolo;
using Osprey.Models.Detection.Yolo.Loss;
using Osprey.Torch.NN;

namespace Osprey.Training.Detection;

/// <summary>
/// Object detection with YOLO models, as ultralytics trains, validates and predicts: its augmentation, its
/// v8DetectionLoss (box_loss, cls_loss, dfl_loss), its optimizer recipe (three groups, warm-up, accumulation to the
/// nominal batch 64), its validator metrics (precision, recall, mAP50, mAP50-95; fitness 0.1 mAP50 + 0.9 mAP50-95).
/// </summary>
public sealed class YoloTask : TrainingTask<DetectionOutput>
{
    public override string Name => "detect";
    public override ModelTask Models => ModelTask.Detect;
    public override IReadOnlyList<string> LossNames { get; } = ["box_loss", "cls_loss", "dfl_loss"];
    public override IReadOnlyList<string> MetricNames => YoloEvaluator.MetricNames;

    /// <summary>ultralytics' cfg/default.yaml: batch 16, optimizer auto, momentum 0.937, 3 warm-up epochs, linear decay,
    /// EMA on, random-perspective scale 0.5 (the augmentation keys' own defaults are ultralytics').</summary>
    public override TrainOptions Defaults => new()
    {
        Task = Name, Model = "yolo11n", Data = FashionScenes.Name, Batch = 16, Optimizer = OptimizerKind.Auto, Momentum = 0.937, WarmupEpochs = 3,
        Schedule = ScheduleKind.Linear, Ema = true, Scale = 0.5,
    };

    /// <summary>ultralytics' lr0 (what its args.yaml records; the auto optimizer picks its own).</summary>
    public override double DefaultLr(TrainOptions options) => new Ultralytics.UltralyticsHyperparameters().Lr0;

    public override TaskData LoadData(TrainOptions o)
    {
        var source = YoloData.Open(o.Data);
        int size = o.Imgsz ?? source.DefaultImageSize ?? (int)ModelRegistry.Get(o.Model).DefaultImageSize;
        IDataset<Sample> train = source.Train;
        if (o.Fraction < 1) train = Subset.Random(train, o.Fraction, o.Seed);
        return new TaskData(YoloTransforms.TrainSet(train, YoloTransforms.Augment(o), size, o.Epochs), o.Val ? source.Val : null,
                            YoloTransforms.Train(), YoloTransforms.Eval(size), source.Train.Classes, 3, size,
                            YoloTransforms.Mean, YoloTransforms.Std, source.Description);
    }

    protected override ICriterion<DetectionOutput> CreateCriterion(IImageModel<DetectionOutput> model, TaskData data, TrainOptions o) =>
        new YoloCriterion(new DetectionLoss(HeadOf(model)));

    protected override IEvaluator<DetectionOutput> CreateEvaluator(TaskData data, TrainOptions o) =>
        new YoloEvaluator(data.Classes.Count, new LetterBox(data.ImageSize));

    /// <summary>ultralytics' recipe instead of the default schedule.</summary>
    public override IStepPolicy CreateSteps(Module model, TrainOptions o, TrainingPlan plan) =>
        YoloSteps.Create(model, HeadOf(Typed(model, Name)).NumClasses, o, plan);

    public override ValidationReport Validate(TrainedModel trained, ValidationRequest request) =>
        YoloValidation.Run(trained, request.Data, request.Batch, request.Progress).Report(trained);

    public override IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request)
    {
        var detector = new YoloDetector(trained, request);
        foreach (var chunk in files.Chunk(Math.Max(1, request.BatchSize)))
            foreach (var prediction in detector.Detect(chunk))
            {
                if (request.SaveDirectory is { } folder) YoloDetector.Save(prediction, folder, request);
                yield return prediction;
            }
    }

    static DetectHeadInfo HeadOf(IImageModel<DetectionOutput> model) => model is YoloModel yolo
        ? yolo.HeadInfo
        : throw new ArgumentException($"the detect task trains YOLO models here; {model.GetType().Name} has no YOLO head");
}
