using Osprey.Data;
using Osprey.Data.Transforms;
using Osprey.Models;
using Osprey.Torch;

namespace Osprey.Training;

/// <summary>
/// The task-specific parts of training, so that classification, segmentation and detection share one
/// <see cref="Trainer"/>: where the data comes from, how a model output and a batch become a loss, and how validation
/// outputs become metrics.
/// </summary>
public interface ITrainingTask
{
    /// <summary>The folder under the project (classify, segment, detect).</summary>
    string Name { get; }

    /// <summary>Opens the training and validation data the options name (errors name the missing or bad thing).</summary>
    TaskData LoadData(TrainOptions options);

    /// <summary>The scalar training loss of one batch.</summary>
    Tensor Loss(IModelOutput output, Batch batch, TrainOptions options);

    /// <summary>A fresh accumulator for one validation pass.</summary>
    IEvaluator CreateEvaluator(TaskData data, TrainOptions options);

    /// <summary>The metric columns of results.csv, in the order <see cref="IEvaluator.Values"/> gives them.</summary>
    IReadOnlyList<string> MetricNames { get; }
}

/// <summary>Accumulates validation batches into metrics.</summary>
public interface IEvaluator
{
    /// <summary>Adds one batch's outputs (and its loss, computed by the caller).</summary>
    void Add(IModelOutput output, Batch batch);

    /// <summary>The values of <see cref="ITrainingTask.MetricNames"/>.</summary>
    IReadOnlyList<double> Values();

    /// <summary>What "best" maximizes (top-1 for classification, mIoU for segmentation, mAP for detection).</summary>
    double Fitness { get; }
}

/// <summary>
/// A task's datasets and their transforms, and what the model and the checkpoint must know about them: class names,
/// input channels, input side, and the pixel normalization (so prediction prepares images as training did).
/// </summary>
public sealed record TaskData(IDataset<Sample> Train, IDataset<Sample>? Val, ITransform TrainTransform, ITransform ValTransform,
                              IReadOnlyList<string> Classes, long InChannels, int ImageSize, float[] Mean, float[] Std, string Description);
