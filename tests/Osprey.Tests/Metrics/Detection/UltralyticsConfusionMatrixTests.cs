using Osprey.Metrics.Detection;

namespace Osprey.Tests.Metrics.Detection;

/// <summary>ultralytics' detection ConfusionMatrix.process_batch on hand-worked images (conf 0.25, IoU 0.45).</summary>
public class UltralyticsConfusionMatrixTests
{
    static float[] Box(float x0, float y0, float side) => [x0, y0, x0 + side, y0 + side];

    [Fact]
    public void Counts_matches_misses_and_false_detections_with_the_background_as_ultralytics()
    {
        var m = new UltralyticsConfusionMatrix(2);
        // Objects A (class 0), B and C (class 1). d0 finds A; d1 finds B with the wrong class; d2 overlaps B too (IoU
        // 0.81) but B is taken by the better d1, so d2 is a false detection; d3 is under the confidence; d4 hits nothing.
        m.Add([.. Box(0, 0, 10), .. Box(20, 20, 10), .. Box(21, 21, 9), .. Box(80, 80, 10), .. Box(100, 100, 10)],
              [0.9f, 0.8f, 0.7f, 0.1f, 0.5f], [0, 0, 1, 1, 0],
              [.. Box(0, 0, 10), .. Box(20, 20, 10), .. Box(50, 50, 10)], [0, 1, 1]);
        m.Add([.. Box(0, 0, 10), .. Box(5, 5, 10)], [0.3f, 0.2f], [1, 0], [], []);                 // no objects: one false detection
        m.Add([], [], [], Box(0, 0, 10), [0]);                                                      // no detections: a miss
        m.Add(Box(0, 0, 10), [0.1f], [0], Box(0, 0, 10), [0]);                                      // all under the confidence: a miss
        m.Add(Box(50, 50, 10), [0.9f], [0], Box(0, 0, 10), [0]);                                    // no match at all: the miss only
        long[,] expected =
        {
            // true: class 0, class 1, background
            { 1, 1, 1 }, // predicted class 0
            { 0, 0, 2 }, // predicted class 1
            { 3, 1, 0 }, // predicted background
        };
        for (int p = 0; p < 3; p++) for (int t = 0; t < 3; t++) Assert.Equal(expected[p, t], m[p, t]);
        var byTrue = m.ByTrueClass();
        for (int p = 0; p < 3; p++) for (int t = 0; t < 3; t++) Assert.Equal(expected[p, t], byTrue[t, p]);
    }

    [Fact]
    public void A_detection_between_two_objects_goes_to_the_one_it_overlaps_most()
    {
        var m = new UltralyticsConfusionMatrix(2);
        // The detection (0, 0, 10, 10) overlaps object 0 (0, 0, 10, 12: IoU 0.83) and object 1 (0, 1, 10, 10: IoU 0.9).
        m.Add(Box(0, 0, 10), [0.9f], [1], [0, 0, 10, 12, 0, 1, 10, 10], [0, 1]);
        Assert.Equal(1, m[1, 1]);
        Assert.Equal(1, m[2, 0]);
        Assert.Equal(0, m[1, 0]);
    }

    [Fact]
    public void A_class_outside_the_matrix_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new UltralyticsConfusionMatrix(2).Add(Box(0, 0, 1), [0.9f], [2], [], []));
        Assert.Contains("class 2 outside [0, 2)", error.Message);
    }
}
