using Osprey.Metrics;
using Osprey.Metrics.Detection;

namespace Osprey.Tests.Metrics;

/// <summary>Accumulated metrics written and appended to others: the same as adding everything to one; a state of
/// another class count, or a truncated one, is refused by name.</summary>
public class MetricStateTests
{
    static byte[] State(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) write(w);
        return stream.ToArray();
    }

    static BinaryReader Reader(byte[] state) => new(new MemoryStream(state));

    [Fact]
    public void Validator_records_appended_equal_the_records_added_to_one()
    {
        var random = new Random(3);
        (float[] Boxes, float[] Scores, int[] Classes, float[] Truth, int[] Labels) Image()
        {
            int d = random.Next(0, 6), t = random.Next(0, 4);
            float[] Boxes(int n) => Enumerable.Range(0, n).SelectMany(_ =>
            {
                float x = random.Next(0, 50), y = random.Next(0, 50);
                return new[] { x, y, x + random.Next(5, 30), y + random.Next(5, 30) };
            }).ToArray();
            // Some detections are a labelled object's box, a few pixels off, with its class: true positives at some thresholds.
            var (truth, labels) = (Boxes(t), Enumerable.Range(0, t).Select(_ => random.Next(3)).ToArray());
            var (boxes, classes) = (Boxes(d), Enumerable.Range(0, d).Select(_ => random.Next(3)).ToArray());
            for (int k = 0; k < Math.Min(d, t); k++)
                if (random.Next(2) == 0)
                {
                    for (int c = 0; c < 4; c++) boxes[4 * k + c] = truth[4 * k + c] + random.Next(-3, 4);
                    classes[k] = labels[k];
                }
            return (boxes, Enumerable.Range(0, d).Select(_ => (float)random.NextDouble()).ToArray(), classes, truth, labels);
        }
        var images = Enumerable.Range(0, 40).Select(_ => Image()).ToArray();
        var whole = new UltralyticsDetectionMetrics(3);
        var (first, second) = (new UltralyticsDetectionMetrics(3), new UltralyticsDetectionMetrics(3));
        for (int i = 0; i < images.Length; i++)
        {
            var m = images[i];
            whole.Add(m.Boxes, m.Scores, m.Classes, m.Truth, m.Labels);
            (i < 17 ? first : second).Add(m.Boxes, m.Scores, m.Classes, m.Truth, m.Labels);
        }
        var merged = new UltralyticsDetectionMetrics(3);
        merged.AppendState(Reader(State(first.WriteState)));
        merged.AppendState(Reader(State(second.WriteState)));
        var (a, b) = (whole.Compute(), merged.Compute());
        Assert.True(a.MAP50 > 0, "no true positive: the comparison would be vacuous");
        Assert.Equal((a.Precision, a.Recall, a.MAP50, a.MAP50To95, a.Images, a.Instances), (b.Precision, b.Recall, b.MAP50, b.MAP50To95, b.Images, b.Instances));
        Assert.Equal(a.ClassMaps, b.ClassMaps);
    }

    [Fact]
    public void A_state_of_another_class_count_is_refused()
    {
        var three = new SegmentationConfusion(3);
        var e = Assert.Throws<InvalidDataException>(() => new SegmentationConfusion(4).AppendState(Reader(State(three.WriteState))));
        Assert.Equal("metric state: segmentation confusion has 9 items, this accumulator 16 (another class count?)", e.Message);
        Assert.Throws<EndOfStreamException>(() => new ConfusionMatrix(3).AppendState(Reader(State(three.WriteState)[..20])));
    }
}
