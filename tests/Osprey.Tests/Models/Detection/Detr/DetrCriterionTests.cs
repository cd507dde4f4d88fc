using Osprey.Models.Detection.Detr;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>
/// Matching and set loss against tools/reference/detr_loss_reference.py (brute-force assignment, the official
/// weights and reductions): a final and two auxiliary layers, three images with 3, 0 and 2 targets. Matches
/// equal; every loss term and the gradients of the total within 1e-5.
/// </summary>
public class DetrCriterionTests
{
    [Fact]
    public void MatchesLossTermsAndGradientsEqualTheReference()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detr_loss");
        var targets = Enumerable.Range(0, 3).Select(i => new DetrTarget(f[$"target{i}.labels"], f[$"target{i}.boxes"])).ToList();
        DetrPrediction Leaf(string name)
        {
            var (logits, boxes) = (f[$"{name}.logits"].Clone(), f[$"{name}.boxes"].Clone());
            logits.RequiresGrad = boxes.RequiresGrad = true;
            return new DetrPrediction(logits, boxes);
        }
        var (aux0, aux1, final) = (Leaf("aux0"), Leaf("aux1"), Leaf("final"));
        var output = new DetrOutput(final.Logits, final.Boxes, [aux0, aux1]);
        var criterion = new DetrCriterion(numClasses: 4);

        foreach (var (name, prediction) in new[] { ("aux0", aux0), ("aux1", aux1), ("final", final) })
        {
            var matches = criterion.Matcher.Match(prediction, targets);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(f[$"{name}.match{i}.queries"].ToArray<long>(), matches[i].Queries);
                Assert.Equal(f[$"{name}.match{i}.targets"].ToArray<long>(), matches[i].Targets);
            }
        }

        using var losses = criterion.Compute(output, targets);
        string[] terms = ["loss_ce", "loss_bbox", "loss_giou", "cardinality_error"];
        var expectedKeys = terms.Concat(terms.Select(t => t + "_0")).Concat(terms.Select(t => t + "_1")).Append("class_error").Order();
        Assert.Equal(expectedKeys, losses.Terms.Keys.Order());
        foreach (var (key, value) in losses.Terms) Expect.Close(f[key], value, 1e-5, 1e-5, key);
        Expect.Close(f["total"], losses.Total, 1e-5, 1e-5, "total");

        losses.Total.Backward();
        foreach (var (name, prediction) in new[] { ("aux0", aux0), ("aux1", aux1), ("final", final) })
        {
            Expect.Close(f[$"{name}.logits_grad"], prediction.Logits.Grad!, 1e-5, 1e-6, $"{name} logits grad");
            Expect.Close(f[$"{name}.boxes_grad"], prediction.Boxes.Grad!, 1e-5, 1e-6, $"{name} boxes grad");
        }
    }

    [Fact]
    public void LoggedTermsAreTheWeightedLayerSumsAndAddUpToTheTotal()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detr_loss");
        var targets = Enumerable.Range(0, 3).Select(i => new DetrTarget(f[$"target{i}.labels"], f[$"target{i}.boxes"])).ToList();
        DetrPrediction Of(string name) => new(f[$"{name}.logits"], f[$"{name}.boxes"]);
        var output = new DetrOutput(f["final.logits"], f["final.boxes"], [Of("aux0"), Of("aux1")]);
        var criterion = new DetrCriterion(numClasses: 4);
        var logged = criterion.ToLossTerms(criterion.Compute(output, targets));

        Assert.Equal(["loss_ce", "loss_bbox", "loss_giou", "class_error", "cardinality_error"], logged.Terms.Select(t => t.Name));
        foreach (var (name, weight) in new[] { ("loss_ce", 1.0), ("loss_bbox", 5.0), ("loss_giou", 2.0) })
        {
            double expected = weight * new[] { "", "_0", "_1" }.Sum(s => f[name + s].Double().Item<double>());
            double actual = logged.Terms.Single(t => t.Name == name).Value.Double().Item<double>();
            Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{name}: {actual}, reference {expected}");
        }
        double sum = logged.Terms.Take(3).Sum(t => t.Value.Double().Item<double>());
        Assert.True(Math.Abs(sum - f["total"].Double().Item<double>()) <= 1e-5 * Math.Abs(sum), $"terms sum to {sum}, total {f["total"].Item<float>()}");
        Assert.Equal(f["class_error"].Item<float>(), logged.Terms.Single(t => t.Name == "class_error").Value.Item<float>(), 1e-4);
    }

    [Fact]
    public void LabelsOutsideTheClassRangeAreRejected()
    {
        using var scope = TensorScope.Begin();
        using var output = new DetrOutput(Tensor.Zeros([1, 3, 5]), Tensor.Full([1, 3, 4], 0.5), []);
        var bad = new DetrTarget(Tensor.From(new long[] { 4 }, 1), Tensor.Full([1, 4], 0.2));
        var error = Assert.Throws<ArgumentException>(() => new DetrCriterion(4).Compute(output, [bad]));
        Assert.Contains("target 0: labels must be in [0, 4)", error.Message);
    }
}
