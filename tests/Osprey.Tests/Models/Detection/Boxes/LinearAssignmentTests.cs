using Osprey.Models.Detection.Boxes;
using Osprey.Models.Detection.Detr;

namespace Osprey.Tests.Models.Detection.Boxes;

/// <summary>The Hungarian solver against exhaustive search on random square, tall and wide matrices.</summary>
public class LinearAssignmentTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(6, 3)]
    [InlineData(3, 7)]
    [InlineData(7, 7)]
    public void FindsTheMinimumCostAssignmentOfRandomMatrices(int rows, int columns)
    {
        var random = new Random(rows * 31 + columns);
        for (int trial = 0; trial < 40; trial++)
        {
            var cost = new double[rows, columns];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    cost[i, j] = random.NextDouble() * 10 - 3;
            var (r, c) = LinearAssignment.Solve(cost);
            Assert.Equal(Math.Min(rows, columns), r.Length);
            Assert.Equal(r.Order(), r);
            Assert.Equal(r.Length, r.Distinct().Count());
            Assert.Equal(c.Length, c.Distinct().Count());
            double total = r.Zip(c).Sum(p => cost[p.First, p.Second]);
            Assert.Equal(BruteForce(cost), total, tolerance: 1e-9);
        }
    }

    [Fact]
    public void KnownCaseAndInvalidEntries()
    {
        var (rows, columns) = LinearAssignment.Solve(new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } });
        Assert.Equal([0, 1, 2], rows);
        Assert.Equal([1, 0, 2], columns);
        Assert.Empty(LinearAssignment.Solve(new double[0, 3]).Rows);
        var error = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(new double[,] { { 1, double.NaN } }));
        Assert.Contains("NaN", error.Message);
    }

    static double BruteForce(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        bool transposed = rows > columns;
        int n = Math.Min(rows, columns), m = Math.Max(rows, columns);
        double best = double.PositiveInfinity;
        void Search(int i, bool[] used, double sum)
        {
            if (i == n)
            {
                best = Math.Min(best, sum);
                return;
            }
            for (int j = 0; j < m; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                Search(i + 1, used, sum + (transposed ? cost[j, i] : cost[i, j]));
                used[j] = false;
            }
        }
        Search(0, new bool[m], 0);
        return best;
    }
}
