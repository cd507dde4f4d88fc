namespace Osprey.Data.Transforms;

/// <summary>The standard segmentation transform chains, for a task to build from its options.</summary>
public static class SegmentationPipelines
{
    /// <summary>
    /// Training as the PSPNet paper (and the authors' code) augments: random scale, random rotation (p 0.5), Gaussian
    /// blur (p 0.5), horizontal mirror (p 0.5), random crop to crop x crop padded with the mean colour and ignore; the
    /// UNet paper's elastic deformation first when <paramref name="elastic"/>. Then ToFloat and Normalize.
    /// </summary>
    public static ITransform Train(long crop, float[] mean, float[] std, double scaleMin = 0.5, double scaleMax = 2.0,
                                   double rotation = 10, double blur = 0.5, double flip = 0.5, bool elastic = false)
    {
        var fill = mean.Select(m => m * 255.0).ToArray();
        var steps = new List<ITransform>();
        if (elastic) steps.Add(new ElasticDeformation());
        steps.Add(new RandomScale(scaleMin, scaleMax));
        if (rotation > 0) steps.Add(new RandomRotation(rotation, fill));
        if (blur > 0) steps.Add(new RandomGaussianBlur(5, blur));
        if (flip > 0) steps.Add(new RandomHorizontalFlip(flip));
        steps.Add(new RandomCropPadded(crop, crop, fill));
        steps.Add(new ToFloat());
        steps.Add(new Normalize(mean, std));
        return new Compose(steps.ToArray());
    }

    /// <summary>Evaluation: the image as it is (whole or sliding-window inference handles the size), normalized.</summary>
    public static ITransform Val(float[] mean, float[] std) => new Compose(new ToFloat(), new Normalize(mean, std));
}
