using Osprey.Data;
using Osprey.Metrics;
using Osprey.Data.Transforms;
using Osprey.Torch;

namespace Osprey.Training.Segmentation;

/// <summary>Evaluates a trained segmentation model on a dataset's val (or train) split at full size, in batches of
/// <see cref="ValidationRequest.Batch"/> images (<see cref="SegmentationRunner"/> with the request's test settings).
/// Batched images are padded at the bottom and right to the largest (image 0, mask ignore), as mmsegmentation's
/// SegDataPreProcessor pads a test batch: the padding is never scored, but it enters the convolutions of the pixels
/// next to it, so only batch 1 (the default, mmsegmentation's test batch) scores each image exactly on its own.</summary>
public static class SegmentationValidation
{
    /// <summary>The val split of <see cref="ValidationRequest.Data"/> (null: the data the model was trained on), or its
    /// train split when <see cref="ValidationRequest.Split"/> is "train".</summary>
    public static (SegmentationScores Scores, SegmentationSource Source, int Images) Run(TrainedModel trained, ValidationRequest request)
    {
        if (request.Split is not (null or "val" or "train"))
            throw new OptionsException("split", $"split '{request.Split}': segmentation data has the splits val and train");
        if (request.Batch < 1) throw new OptionsException("batch", $"batch {request.Batch}: expected an integer >= 1");
        var source = SegmentationSource.Open(request.Data ?? trained.Info.Options.Data);
        if (!source.Classes.SequenceEqual(trained.Classes))
            throw new InvalidDataException($"the model {trained.Path} knows classes [{string.Join(", ", trained.Classes)}]; " +
                                           $"{source.Description} has [{string.Join(", ", source.Classes)}]");
        var dataset = request.Split == "train" ? source.Train : source.Val;
        var runner = new SegmentationRunner(trained.Model, trained.Info.ImageSize, request.Segmentation ?? SegmentationTestOptions.Default);
        var loader = new DataLoader(dataset, SegmentationPipelines.Val(trained.Info.Mean, trained.Info.Std),
                                    new LoaderOptions { BatchSize = request.Batch, Shuffle = false, Workers = request.Workers }, PadCollate.Instance);
        var confusion = new SegmentationConfusion(trained.Classes.Count, dataset.IgnoreIndex);
        int done = 0, images = 0;
        using var inference = Autograd.InferenceMode();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            {
                using var scope = TensorScope.Begin();
                confusion.AddLogits(runner.Scores(batch.Input.Images), batch.Masks!);
                images += (int)batch.Masks!.Size(0);
                request.Progress?.Invoke(++done, loader.BatchCount);
            }
        return (confusion.Scores(), source, images);
    }
}
