namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// Minimum-cost assignment on a rectangular cost matrix (scipy's linear_sum_assignment): every row of the
/// smaller side gets a distinct column so that the summed cost is least. Hungarian method with row and column
/// potentials (shortest augmenting paths), O(n^2 m) for n &lt;= m.
/// </summary>
public static class LinearAssignment
{
    /// <summary>Matched (row, column) pairs of <paramref name="cost"/> [rows, columns], ordered by row, as scipy
    /// returns them; min(rows, columns) pairs.</summary>
    public static (int[] Rows, int[] Columns) Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        foreach (var c in cost)
            if (!double.IsFinite(c)) throw new ArgumentException("LinearAssignment: the cost matrix contains NaN or infinite entries");
        if (rows == 0 || columns == 0) return ([], []);
        bool transposed = rows > columns;
        int n = transposed ? columns : rows, m = transposed ? rows : columns;
        double At(int i, int j) => transposed ? cost[j, i] : cost[i, j];

        // 1-based arrays; column 0 is the virtual start of each augmenting path. owner[j] = row holding column j.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var owner = new int[m + 1];
        var previous = new int[m + 1];
        for (int i = 1; i <= n; i++)
        {
            owner[0] = i;
            int j0 = 0;
            var minSlack = Enumerable.Repeat(double.PositiveInfinity, m + 1).ToArray();
            var used = new bool[m + 1];
            do
            {
                used[j0] = true;
                int i0 = owner[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double slack = At(i0 - 1, j - 1) - u[i0] - v[j];
                    if (slack < minSlack[j]) (minSlack[j], previous[j]) = (slack, j0);
                    if (minSlack[j] < delta) (delta, j1) = (minSlack[j], j);
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[owner[j]] += delta;
                        v[j] -= delta;
                    }
                    else minSlack[j] -= delta;
                }
                j0 = j1;
            } while (owner[j0] != 0);
            do
            {
                int j1 = previous[j0];
                owner[j0] = owner[j1];
                j0 = j1;
            } while (j0 != 0);
        }

        var pairs = new List<(int Row, int Column)>();
        for (int j = 1; j <= m; j++)
            if (owner[j] != 0)
                pairs.Add(transposed ? (j - 1, owner[j] - 1) : (owner[j] - 1, j - 1));
        pairs.Sort();
        return (pairs.Select(p => p.Row).ToArray(), pairs.Select(p => p.Column).ToArray());
    }
}
