using Osprey.Data;
using Osprey.Models.Detection.Detr;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Visuals;
using Osprey.Visuals.Report;

namespace Osprey.Training.Detection;

/// <summary>
/// The DETR detect run's pictures: <see cref="DetectionPictures"/> with the post-processed queries scoring above
/// <see cref="DetectionPictures.PlotConfidence"/> as predictions (boxes scaled to each image's size in the batch), and
/// ultralytics' confusion matrix and PR / F1 / P / R curves of the evaluator's queries (COCO AP, in results.csv, has
/// no such curves of its own).
/// </summary>
public sealed class DetrPictures(TaskData data) : DetectionPictures(data)
{
    protected override IReadOnlyList<PictureBoxes> Predict(Module model, Batch batch)
    {
        var detr = TrainingTask<DetrOutput>.Typed(model, "detect");
        using var scope = TensorScope.Begin();
        var output = detr.Run(batch.Input);
        var found = DetrPostProcess.Run(output, batch.Input.Sizes);
        var boxes = new List<PictureBoxes>();
        for (int i = 0; i < found.Count; i++)
            using (var d = found[i])
            {
                if (i >= ImageGrid.MaxTiles) continue;
                var scores = d.Scores.Float().ToArray<float>();
                var labels = d.Labels.ToArray<long>();
                var corners = d.Boxes.Float().Contiguous().ToArray<float>();
                var kept = Enumerable.Range(0, scores.Length).Where(q => scores[q] > PlotConfidence).ToArray();
                boxes.Add(new PictureBoxes(kept.SelectMany(q => corners.AsSpan(4 * q, 4).ToArray()).ToArray(),
                                           kept.Select(q => (int)labels[q]).ToArray(), kept.Select(q => scores[q]).ToArray()));
            }
        return boxes;
    }

    public override IReadOnlyList<(string File, Action<string> Write)> EvaluationPictures(object evaluator) =>
        evaluator is DetrEvaluator detr ? [.. ConfusionPictures(detr.Confusion), .. CurvePictures(detr.Curves.Compute())] : [];

    public override IReadOnlyList<HtmlTable> Tables(object evaluator) => [];
}
