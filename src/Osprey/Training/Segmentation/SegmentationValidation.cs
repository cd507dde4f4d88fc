using Osprey.Data;
using Osprey.Metrics;
using Osprey.Data.Transforms;
using Osprey.Torch;

namespace Osprey.Training.Segmentation;

/// <summary>Evaluates a trained segmentation model on a dataset's val split, image by image at full size
/// (<see cref="SegmentationRunner"/>: whole image, or a sliding window when it is larger than the training crop).</summary>
public static class SegmentationValidation
{
    /// <summary>Opens <paramref name="dataSpec"/> (null: the data the model was trained on) and scores its val split.</summary>
    public static (SegmentationScores Scores, SegmentationSource Source, int Images) Run(TrainedModel trained, string? dataSpec = null,
                                                                                       int workers = 2, Action<int, int>? progress = null)
    {
        var source = SegmentationSource.Open(dataSpec ?? trained.Info.Options.Data);
        if (!source.Classes.SequenceEqual(trained.Classes))
            throw new InvalidDataException($"the model {trained.Path} knows classes [{string.Join(", ", trained.Classes)}]; " +
                                           $"{source.Description} has [{string.Join(", ", source.Classes)}]");
        var runner = new SegmentationRunner(trained.Model, trained.Info.ImageSize);
        var loader = new DataLoader(source.Val, SegmentationPipelines.Val(trained.Info.Mean, trained.Info.Std),
                                    new LoaderOptions { BatchSize = 1, Shuffle = false, Workers = workers }, PadCollate.Instance);
        var confusion = new SegmentationConfusion(trained.Classes.Count, source.Val.IgnoreIndex);
        int done = 0;
        using var inference = Autograd.InferenceMode();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            {
                using var scope = TensorScope.Begin();
                confusion.AddLogits(runner.Logits(batch.Input.Images), batch.Masks!);
                progress?.Invoke(++done, loader.BatchCount);
            }
        return (confusion.Scores(), source, done);
    }
}
