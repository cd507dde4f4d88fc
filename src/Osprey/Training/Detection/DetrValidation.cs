using System.Globalization;
using Osprey.Data;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection.Detr;
using Osprey.Torch;

namespace Osprey.Training.Detection;

/// <summary>COCO evaluation of a trained DETR on a dataset's validation split: the 12 statistics and per-class AP.</summary>
public static class DetrValidation
{
    public static ValidationReport Run(DetrTask task, TrainedModel trained, ValidationRequest request)
    {
        var data = request.Data ?? trained.Info.Options.Data;
        if (string.IsNullOrEmpty(data))
            throw new ArgumentException($"{trained.Path} was imported and names no dataset: pass the data to evaluate on (--data)");
        // Categories remapped to 0..n-1 (how Osprey trains), or kept as their ids (an official checkpoint's 91 COCO logits).
        var (_, val, description) = DetectionSource.OpenCoco(data);
        if (!val.Classes.SequenceEqual(trained.Classes))
        {
            var (_, byId, _) = DetectionSource.OpenCoco(data, ids: Data.Datasets.Detection.CocoCategoryIds.Original);
            if (!byId.Classes.SequenceEqual(trained.Classes))
                throw new InvalidDataException($"the model {trained.Path} knows classes [{string.Join(", ", trained.Classes)}]; {description} has [{string.Join(", ", val.Classes)}]");
            val = byId;
        }
        var model = TrainingTask<DetrOutput>.Typed(trained.Model, task.Name);
        var loader = new DataLoader(val, Data.Transforms.Detr.DetrTransforms.Val(DetrTask.Sizes(trained.Info.ImageSize)),
                                    new LoaderOptions { BatchSize = request.Batch, Shuffle = false, Workers = request.Workers }, task.Collate);
        var evaluator = new DetrEvaluator(trained.Classes.Count);
        int done = 0;
        using (var inference = Autograd.InferenceMode())
            foreach (var batch in loader.Epoch(0))
                using (batch)
                {
                    using var scope = TensorScope.Begin();
                    using var output = model.Run(batch.Input);
                    evaluator.Add(output, batch);
                    request.Progress?.Invoke(++done, loader.BatchCount);
                }
        var result = evaluator.Evaluation;
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        var rows = result.PerCategory.Select(c => (IReadOnlyList<string>)[trained.Classes[c.CategoryId], F(c.AP), F(c.AP50), F(c.AP75), F(c.AR100)]).ToList();
        return new ValidationReport(
            $"{trained.Info.Model} ({trained.Path}, epoch {trained.Epoch}{(trained.UsesEma ? ", EMA weights" : "")}) on {description}: {val.Count} images",
            CocoEvaluation.StatNames.Select((name, i) => new ReportMetric(name, result.Stats[i], F(result.Stats[i]))).ToArray(),
            new ReportTable(["class", "AP", "AP50", "AP75", "AR100"], rows));
    }
}
