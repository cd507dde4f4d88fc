using Osprey.Data;
using Osprey.Torch.NN;
using Osprey.Visuals.Report;

namespace Osprey.Training.Pictures;

/// <summary>
/// What one task draws into its run folder, for <see cref="RunPictures"/> (which decides when, and turns a failure into a
/// warning). A task gives its provider through <see cref="ITrainingTask.Pictures"/>; every method writes whole files
/// atomically (<c>Visuals.ImageFile</c>, <c>PlotImage</c>). Tensors are read on the calling (training) thread only.
/// </summary>
public interface ITaskPictures
{
    /// <summary>Pictures of the training data, drawn once at the start of a new run (detection: labels.jpg), as file
    /// name and writer (given the file's path).</summary>
    IReadOnlyList<(string File, Action<string> Write)> DataPictures() => [];

    /// <summary>A training batch as the model sees it, after augmentation, with its labels (train_batchN.jpg): reads what
    /// the picture shows from the batch now and returns its drawing (given the file's path), which touches no tensor, so
    /// it may run on another thread while training goes on.</summary>
    Action<string> TrainBatch(Batch batch);

    /// <summary>A validation batch's ground truth and the model's predictions on it (val_batchN_labels.jpg /
    /// val_batchN_pred.jpg); <paramref name="model"/> is in eval mode under no-grad.</summary>
    void WriteValBatch(string labelsPath, string predictionsPath, Batch batch, Module model);

    /// <summary>The evaluator's plots (confusion matrices, curves, IoU bars), as file name and writer; drawn at the best
    /// and the last epoch.</summary>
    IReadOnlyList<(string File, Action<string> Write)> EvaluationPictures(object evaluator);

    /// <summary>Per-class tables of the evaluator for report.html (every epoch).</summary>
    IReadOnlyList<HtmlTable> Tables(object evaluator);
}
