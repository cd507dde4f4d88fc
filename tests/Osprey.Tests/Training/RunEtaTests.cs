using Osprey.Training;

namespace Osprey.Tests.Training;

public class RunEtaTests
{
    static BatchProgress At(int epoch, int epochs, int batch, int batches, double epochSeconds, double imagesPerSecond) =>
        new(epoch, epochs, batch, batches, 1.0, new Dictionary<string, double>(), 0.1, imagesPerSecond,
            TimeSpan.FromSeconds(epochSeconds), TimeSpan.Zero);

    [Fact]
    public void BeforeTheFirstValidationItIsEstimatedAtThreeTimesTheTrainingThroughput()
    {
        var eta = new RunEta(validationImages: 300);
        // Epoch 1 of 3, batch 2 of 10 after 4 s (2 s a batch), 50 img/s: 8 batches left, a validation of 300 / 150 = 2 s,
        // then two epochs of 10 batches and a validation each: 16 + 2 + 2 * (20 + 2) = 62 s.
        Assert.Equal(TimeSpan.FromSeconds(62), eta.Remaining(At(0, 3, 2, 10, 4, 50)));
    }

    [Fact]
    public void MeasuredEpochsAndValidationsAreUsed()
    {
        var eta = new RunEta(validationImages: 300);
        eta.TrainingEnded(10, TimeSpan.FromSeconds(30));
        eta.ValidationTook(TimeSpan.FromSeconds(7));
        // Epoch 2 of 3, batch 5 after 5 s: 15 batches in 35 s; 5 left in this epoch, its validation, one more epoch.
        double perBatch = 35.0 / 15;
        var expected = 5 * perBatch + 7 + (10 * perBatch + 7);
        Assert.Equal(expected, eta.Remaining(At(1, 3, 5, 10, 5, 50))!.Value.TotalSeconds, 9);
    }

    [Fact]
    public void NoValidationNoBatchesNoEstimate()
    {
        var eta = new RunEta(validationImages: 0);
        Assert.Null(eta.Remaining(At(0, 2, 0, 10, 0, 0)));
        Assert.Equal(TimeSpan.FromSeconds(3 + 10), eta.Remaining(At(0, 2, 7, 10, 7, 10)));
        Assert.Equal(TimeSpan.Zero, eta.Remaining(At(1, 2, 10, 10, 10, 10)));
    }
}
