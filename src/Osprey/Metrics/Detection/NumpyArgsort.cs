namespace Osprey.Metrics.Detection;

/// <summary>
/// numpy's default argsort (kind="quicksort": introsort with median-of-three partitions, insertion sort below
/// 16 elements, heapsort past the depth limit), ascending. It is not stable: equal values come out in the order
/// this exact procedure leaves them, which is what ultralytics' metrics see when confidences or IoUs tie.
/// </summary>
public static class NumpyArgsort
{
    const int SmallQuicksort = 15;

    public static int[] Quicksort(float[] v)
    {
        int n = v.Length;
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        if (n < 2) return a;
        var stack = new Stack<(int Left, int Right, int Depth)>();
        int pl = 0, pr = n - 1, depth = 2 * MostSignificantBit(n);
        while (true)
        {
            if (depth < 0)
            {
                Heapsort(v, a, pl, pr - pl + 1);
            }
            else
            {
                while (pr - pl > SmallQuicksort)
                {
                    int pm = pl + ((pr - pl) >> 1);
                    if (Less(v[a[pm]], v[a[pl]])) Swap(a, pm, pl);
                    if (Less(v[a[pr]], v[a[pm]])) Swap(a, pr, pm);
                    if (Less(v[a[pm]], v[a[pl]])) Swap(a, pm, pl);
                    float pivot = v[a[pm]];
                    int pi = pl, pj = pr - 1;
                    Swap(a, pm, pj);
                    while (true)
                    {
                        do ++pi; while (Less(v[a[pi]], pivot));
                        do --pj; while (Less(pivot, v[a[pj]]));
                        if (pi >= pj) break;
                        Swap(a, pi, pj);
                    }
                    Swap(a, pi, pr - 1);
                    // The larger side waits on the stack; the smaller one is partitioned next.
                    if (pi - pl < pr - pi)
                    {
                        stack.Push((pi + 1, pr, --depth));
                        pr = pi - 1;
                    }
                    else
                    {
                        stack.Push((pl, pi - 1, --depth));
                        pl = pi + 1;
                    }
                }
                for (int pi = pl + 1; pi <= pr; pi++)
                {
                    int vi = a[pi];
                    float key = v[vi];
                    int pj = pi;
                    while (pj > pl && Less(key, v[a[pj - 1]]))
                    {
                        a[pj] = a[pj - 1];
                        pj--;
                    }
                    a[pj] = vi;
                }
            }
            if (stack.Count == 0) break;
            (pl, pr, depth) = stack.Pop();
        }
        return a;
    }

    /// <summary>numpy's aheapsort over a[start .. start + n), with its 1-based heap indexing.</summary>
    static void Heapsort(float[] v, int[] a, int start, int n)
    {
        int At(int k) => a[start + k - 1];
        void Set(int k, int value) => a[start + k - 1] = value;
        for (int l = n >> 1; l > 0; --l) SiftDown(l, n, At(l));
        for (; n > 1;)
        {
            int tmp = At(n);
            Set(n, At(1));
            n -= 1;
            SiftDown(1, n, tmp);
        }

        void SiftDown(int i, int size, int tmp)
        {
            for (int j = i << 1; j <= size;)
            {
                if (j < size && Less(v[At(j)], v[At(j + 1)])) j++;
                if (Less(v[tmp], v[At(j)]))
                {
                    Set(i, At(j));
                    i = j;
                    j += j;
                }
                else break;
            }
            Set(i, tmp);
        }
    }

    /// <summary>numpy's float order: NaN after everything.</summary>
    static bool Less(float a, float b) => a < b || (float.IsNaN(b) && !float.IsNaN(a));

    static void Swap(int[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);

    static int MostSignificantBit(int n)
    {
        int depth = 0;
        while ((n >>= 1) != 0) depth++;
        return depth;
    }
}
