using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// Perspective/affine warp of a uint8 CHW image by a forward 3x3 matrix (destination = M x source, pixel centres at
/// integer coordinates, as OpenCV's warpAffine/warpPerspective): every destination pixel samples the source at
/// M^-1 x (x, y, 1) bilinearly, with a constant border value outside. OpenCV quantizes the sample position to 1/32
/// pixel and its weights to 1/32768; this samples exactly, so results differ from cv2 by a level or two at edges.
/// </summary>
public static class Warp
{
    public static Tensor Apply(Tensor image, double[] matrix, int width, int height, byte border = 114)
    {
        if (image.DType != DType.UInt8 || image.Shape.Length != 3)
            throw new ArgumentException($"warp takes a uint8 CHW image, got {image.DType.Name()} [{string.Join(", ", image.Shape)}]", nameof(image));
        int channels = (int)image.Size(0), srcH = (int)image.Size(1), srcW = (int)image.Size(2);
        var src = image.Contiguous().ToBytes();
        var inv = Invert(matrix);
        var dst = new byte[channels * height * width];
        int plane = srcH * srcW, outPlane = height * width;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double w = inv[6] * x + inv[7] * y + inv[8];
            double sx = (inv[0] * x + inv[1] * y + inv[2]) / w, sy = (inv[3] * x + inv[4] * y + inv[5]) / w;
            double fx0 = Math.Floor(sx), fy0 = Math.Floor(sy);
            float fx = (float)(sx - fx0), fy = (float)(sy - fy0);
            // Far outside: every neighbour is border (also keeps the int conversion in range).
            if (fx0 < -2 || fy0 < -2 || fx0 > srcW + 1 || fy0 > srcH + 1)
            {
                for (int c = 0; c < channels; c++) dst[c * outPlane + y * width + x] = border;
                continue;
            }
            int x0 = (int)fx0, y0 = (int)fy0;
            for (int c = 0; c < channels; c++)
            {
                int offset = c * plane;
                float Sample(int xx, int yy) => (uint)xx < (uint)srcW && (uint)yy < (uint)srcH ? src[offset + yy * srcW + xx] : border;
                float top = Sample(x0, y0) * (1 - fx) + Sample(x0 + 1, y0) * fx;
                float bottom = Sample(x0, y0 + 1) * (1 - fx) + Sample(x0 + 1, y0 + 1) * fx;
                dst[c * outPlane + y * width + x] = (byte)Math.Clamp(MathF.Round(top * (1 - fy) + bottom * fy), 0, 255);
            }
        }
        return Tensor.FromBytes(dst, DType.UInt8, channels, height, width);
    }

    /// <summary>Row-major 3x3 inverse.</summary>
    public static double[] Invert(double[] m)
    {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (Math.Abs(det) < 1e-12) throw new ArgumentException("the warp matrix is singular");
        return
        [
            (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
            (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
        ];
    }

    public static double[] Multiply(double[] p, double[] q)
    {
        var r = new double[9];
        for (int row = 0; row < 3; row++)
        for (int col = 0; col < 3; col++)
            r[row * 3 + col] = p[row * 3] * q[col] + p[row * 3 + 1] * q[3 + col] + p[row * 3 + 2] * q[6 + col];
        return r;
    }
}
