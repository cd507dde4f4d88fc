using Osprey.Data;
using Osprey.Metrics;
using Osprey.Torch;

namespace Osprey.Training.Classification;

/// <summary>Evaluates a trained classifier on a dataset's validation split, preparing images as its training run did.</summary>
public static class ClassificationValidation
{
    /// <summary>Opens <paramref name="dataSpec"/> (null: the data the model was trained on) and evaluates on its
    /// <paramref name="split"/>: val (null; a folder's val/ or test/, the idx test set) or train.</summary>
    public static (ClassificationMetrics Metrics, ClassificationSource Source) Run(TrainedModel trained, string? dataSpec = null, int batch = 128,
                                                                                  int workers = 2, Action<int, int>? progress = null, string? split = null)
    {
        if (split is not (null or "val" or "train"))
            throw new OptionsException("split", $"split '{split}': classification data has the splits val and train");
        var source = ClassificationSource.Open(dataSpec ?? trained.Info.Options.Data);
        var dataset = split == "train" ? source.Train : source.Val;
        if (!dataset.Classes.SequenceEqual(trained.Classes))
            throw new InvalidDataException($"the model {trained.Path} knows classes [{string.Join(", ", trained.Classes)}]; " +
                                           $"{source.Description} has [{string.Join(", ", dataset.Classes)}]");
        if (source.InChannels != trained.Info.InChannels)
            throw new InvalidDataException($"the model {trained.Path} takes {trained.Info.InChannels}-channel images; {source.Description} has {source.InChannels}");
        var loader = new DataLoader(dataset, ClassificationSource.EvalTransform(trained.Info.ImageSize, trained.Info.Mean, trained.Info.Std),
                                    new LoaderOptions { BatchSize = batch, Shuffle = false, Workers = workers });
        var model = ClassificationTask.Typed(trained.Model, "classify");
        var metrics = new ClassificationMetrics(trained.Classes.Count);
        int done = 0;
        using var inference = Autograd.InferenceMode();
        foreach (var b in loader.Epoch(0))
            using (b)
            {
                using var scope = TensorScope.Begin();
                using var output = model.Run(b.Input);
                metrics.Update(output.Logits, b.Labels);
                progress?.Invoke(++done, loader.BatchCount);
            }
        return (metrics, source);
    }
}
