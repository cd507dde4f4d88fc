using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Models;
using Osprey.Torch.NN;
using Osprey.Training.Pictures;

namespace Osprey.Training;

/// <summary>
/// Everything task-specific, so that classification, segmentation and detection share one <see cref="Trainer"/> and one
/// <c>val</c> / <c>predict</c>: where the data comes from and how it is collated, how a model is bound to its criterion
/// and evaluator, the optimizer's parameter groups and schedule, validation of a trained model and prediction on image
/// files. Tasks are found by name in the <see cref="TaskRegistry"/>; most derive from <see cref="TrainingTask{TOutput}"/>.
/// </summary>
public interface ITrainingTask
{
    /// <summary>The task's name and its folder under the project (classify, segment, detect).</summary>
    string Name { get; }

    /// <summary>The registry's models this task trains.</summary>
    ModelTask Models { get; }

    /// <summary>The loss terms every batch reports, in order (results.csv: train/NAME and val/NAME).</summary>
    IReadOnlyList<string> LossNames { get; }

    /// <summary>The metric columns of results.csv, in the order <see cref="IEvaluation.Values"/> gives them.</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>The options a run of this task starts from before the user's (its recipe: default model and data,
    /// optimizer settings, EMA): <see cref="TrainOptions.For"/>.</summary>
    TrainOptions Defaults => new() { Task = Name };

    /// <summary>Opens the training and validation data the options name (errors name the missing or bad thing).</summary>
    TaskData LoadData(TrainOptions options);

    /// <summary>How batches are collated (stacked unless the task pads).</summary>
    ICollate Collate => StackCollate.Instance;

    /// <summary>Checks that <paramref name="model"/> fits the task and binds it to the task's criterion (built from the
    /// model's head description, not from the whole model) and evaluator.</summary>
    ITaskModel Bind(Module model, TaskData data, TrainOptions options);

    /// <summary>The initial learning rate when the options give none (classification: 0.05 for SGD, 0.001 for AdamW).</summary>
    double DefaultLr(TrainOptions options) => options.InitialLr;

    /// <summary>The optimizer over the task's parameter groups and how each batch steps it (by default: decayed
    /// weights and undecayed norms/biases, warmup then the options' schedule, every batch a step).</summary>
    IStepPolicy CreateSteps(Module model, TrainOptions options, TrainingPlan plan) => ScheduledSteps.Create(model, options, plan);

    /// <summary>The validation batch when the caller sets none (<c>osprey val</c> without --batch).</summary>
    int DefaultValidationBatch => 256;

    /// <summary>Evaluates a trained model on a dataset's validation split (the data it was trained on unless given).</summary>
    ValidationReport Validate(TrainedModel trained, ValidationRequest request);

    /// <summary>Runs a trained model on image files.</summary>
    IEnumerable<IPrediction> Predict(TrainedModel trained, IReadOnlyList<string> files, PredictRequest request);

    /// <summary>What the task draws into a run folder (annotated batches, evaluator plots), or null for none.</summary>
    ITaskPictures? Pictures(TaskData data) => null;
}

/// <summary>A model bound to its task's criterion: what the trainer runs per batch.</summary>
public interface ITaskModel
{
    /// <summary>Forward and criterion on a training batch (tensors in the caller's scope).</summary>
    LossTerms Loss(Batch batch);

    /// <summary>A fresh accumulator for one validation pass.</summary>
    IEvaluation StartEvaluation();

    /// <summary>The model as a rank of a data-parallel run trains it (a criterion may reduce over the ranks, see
    /// <see cref="Distributed.IRankAwareCriterion{TOutput}"/>); validation is unchanged.</summary>
    ITaskModel ForWorld(Osprey.Torch.Distributed.ProcessGroup group) => this;
}

/// <summary>One validation pass: each batch's forward, loss and metrics.</summary>
public interface IEvaluation
{
    /// <summary>Runs the model on the batch, adds it to the metrics and returns its loss (caller's scope).</summary>
    LossTerms Add(Batch batch);

    /// <summary>The values of <see cref="ITrainingTask.MetricNames"/>.</summary>
    IReadOnlyList<double> Values();

    /// <summary>What "best" maximizes (top-1 for classification, mIoU for segmentation, mAP for detection).</summary>
    double Fitness { get; }

    /// <summary>The task's evaluator with everything it accumulated (a confusion matrix, curves), for pictures and reports.</summary>
    object Evaluator { get; }

    /// <summary>Whether ranks can validate shards and merge (<see cref="MergeRanks"/>); otherwise rank 0 validates alone.</summary>
    bool CanMerge => false;

    /// <summary>Every rank, in step, after its shard's batches: from then on <see cref="Values"/>, <see cref="Fitness"/>
    /// and <see cref="Evaluator"/> are those of all ranks' batches, on every rank.</summary>
    void MergeRanks(Osprey.Torch.Distributed.ProcessGroup group) =>
        throw new NotSupportedException($"{Evaluator.GetType().Name} cannot merge the ranks' validations");
}

/// <summary>
/// A task's datasets and their transforms, and what the model and the checkpoint must know about them: class names,
/// input channels, input side, and the pixel normalization (so prediction prepares images as training did).
/// </summary>
public sealed record TaskData(IDataset<Sample> Train, IDataset<Sample>? Val, ITransform TrainTransform, ITransform ValTransform,
                              IReadOnlyList<string> Classes, long InChannels, int ImageSize, float[] Mean, float[] Std, string Description)
{
    /// <summary>Segmentation: the dataset's class colours (index = class id), kept in the checkpoint for predict's masks.</summary>
    public IReadOnlyList<Rgb>? Palette { get; init; }
    /// <summary>Segmentation: the mask value that marks unlabelled pixels (255 in VOC and the built-in scenes).</summary>
    public int? IgnoreIndex { get; init; }
}
