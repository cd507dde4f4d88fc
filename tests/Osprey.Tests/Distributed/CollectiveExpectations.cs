using System.Text.Json;

namespace Osprey.Tests.Distributed;

/// <summary>
/// What every rank of CollectiveScenario (and torch_rank.py) must report in a world of <c>w</c> ranks, where rank r
/// contributes values made from r. The values are small integers and halves: every result is exact in float32.
/// </summary>
public static class CollectiveExpectations
{
    public static void Check(JsonElement result, int world, string who)
    {
        double w = world, s = w * (w + 1) / 2, r = w * (w - 1) / 2;   // sum of (rank + 1), sum of rank
        Equal([s, 10 * s, -0.5 * s], result, "sum", who);
        Equal([r / w, (2 * r + w) / w], result, "avg", who);
        Equal([w - 1, 0], result, "max", who);
        Equal(Enumerable.Range(0, 6).Select(i => r + w * i).ToArray(), result, "bucket_matrix", who);
        Equal([100 * r, w, 2 * w, 3 * w], result, "bucket_vector", who);
        Equal([(w - 1) * 7 + 1, (w - 1) * 7 + 2], result, "broadcast", who);
        Equal([0, 0, 0], result, "broadcast_bucket", who);
        Equal([w, 3], result, "gather_shape", who);
        Equal(Enumerable.Range(0, world).SelectMany(k => new double[] { k, k * k, 5 }).ToArray(), result, "gather", who);
    }

    static void Equal(double[] expected, JsonElement result, string key, string who)
    {
        var actual = result.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"{who} {key}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }
}
