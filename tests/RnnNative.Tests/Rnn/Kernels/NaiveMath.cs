namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// Deliberately naive double-precision pieces of the reference RNN: the affine map [x, h]·K + b and the
/// pointwise part of each cell, forward and backward, written straight from the TF formulas with scalar loops.
/// </summary>
internal static class NaiveMath
{
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>z (w) = b + [x, h]·K with K (I+H, w) row-major.</summary>
    public static double[] Affine(double[] kernel, double[] bias, int width, double[] x, double[] h)
    {
        var z = new double[width];
        for (int j = 0; j < width; j++)
        {
            double sum = bias[j];
            for (int i = 0; i < x.Length; i++)
                sum += x[i] * kernel[i * width + j];
            for (int k = 0; k < h.Length; k++)
                sum += h[k] * kernel[(x.Length + k) * width + j];
            z[j] = sum;
        }
        return z;
    }

    /// <summary>Given dz: dK += [x, h]ᵀ·dz; dB += dz; dx += K_x·dz; dh += K_h·dz.</summary>
    public static void AffineBackward(double[] kernel, int width, double[] x, double[] h, double[] dz,
        double[] dKernel, double[] dBias, double[] dx, double[] dh)
    {
        for (int j = 0; j < width; j++)
        {
            dBias[j] += dz[j];
            for (int i = 0; i < x.Length; i++)
            {
                dKernel[i * width + j] += x[i] * dz[j];
                dx[i] += kernel[i * width + j] * dz[j];
            }
            for (int k = 0; k < h.Length; k++)
            {
                dKernel[(x.Length + k) * width + j] += h[k] * dz[j];
                dh[k] += kernel[(x.Length + k) * width + j] * dz[j];
            }
        }
    }

    // ---- basic cell: h = act(z) ----
    public static double[] Basic(double[] z, bool relu) =>
        z.Select(v => relu ? Math.Max(v, 0) : Math.Tanh(v)).ToArray();

    public static double[] BasicBackward(double[] z, double[] dh, bool relu) =>
        z.Select((v, k) => dh[k] * (relu ? (v > 0 ? 1 : 0) : 1 - Math.Tanh(v) * Math.Tanh(v))).ToArray();

    // ---- LSTM: z = [zi, zj, zf, zo] (4H) ----
    public sealed record LstmGates(double[] I, double[] J, double[] F, double[] O, double[] C, double[] H);

    public static LstmGates Lstm(double[] z, double[] cPrev, double forgetBias)
    {
        int n = cPrev.Length;
        double[] Part(int k, Func<double, double> f) => Enumerable.Range(0, n).Select(m => f(z[k * n + m])).ToArray();
        var i = Part(0, Sigmoid);
        var j = Part(1, Math.Tanh);
        var f = Part(2, v => Sigmoid(v + forgetBias));
        var o = Part(3, Sigmoid);
        var c = Enumerable.Range(0, n).Select(m => cPrev[m] * f[m] + i[m] * j[m]).ToArray();
        var h = Enumerable.Range(0, n).Select(m => Math.Tanh(c[m]) * o[m]).ToArray();
        return new LstmGates(i, j, f, o, c, h);
    }

    /// <summary>Returns dz (4H) and dcPrev from dh, dc flowing into (h, c) of this step.</summary>
    public static (double[] Dz, double[] DcPrev) LstmBackward(LstmGates g, double[] cPrev, double[] dh, double[] dc)
    {
        int n = cPrev.Length;
        var dz = new double[4 * n];
        var dcPrev = new double[n];
        for (int m = 0; m < n; m++)
        {
            double tc = Math.Tanh(g.C[m]);
            double dCell = dc[m] + dh[m] * g.O[m] * (1 - tc * tc);
            dz[m] = dCell * g.J[m] * g.I[m] * (1 - g.I[m]);
            dz[n + m] = dCell * g.I[m] * (1 - g.J[m] * g.J[m]);
            dz[2 * n + m] = dCell * cPrev[m] * g.F[m] * (1 - g.F[m]);
            dz[3 * n + m] = dh[m] * tc * g.O[m] * (1 - g.O[m]);
            dcPrev[m] = dCell * g.F[m];
        }
        return (dz, dcPrev);
    }

    // ---- GRU: gates z = [zr, zu] (2H), candidate zc (H) ----
    public static (double[] R, double[] U) GruGates(double[] z)
    {
        int n = z.Length / 2;
        return (z[..n].Select(Sigmoid).ToArray(), z[n..].Select(Sigmoid).ToArray());
    }

    /// <summary>c = tanh(zc); h' = u·h + (1 − u)·c.</summary>
    public static (double[] C, double[] H) GruCandidate(double[] zc, double[] u, double[] hPrev)
    {
        var c = zc.Select(Math.Tanh).ToArray();
        return (c, c.Select((cm, m) => u[m] * hPrev[m] + (1 - u[m]) * cm).ToArray());
    }

    /// <summary>From dh': dzc, dzu, and the direct gradient dh'·u into hPrev.</summary>
    public static (double[] Dzc, double[] Dzu, double[] DhDirect) GruCandidateBackward(
        double[] u, double[] c, double[] hPrev, double[] dh)
    {
        int n = u.Length;
        var dzc = new double[n];
        var dzu = new double[n];
        var direct = new double[n];
        for (int m = 0; m < n; m++)
        {
            dzc[m] = dh[m] * (1 - u[m]) * (1 - c[m] * c[m]);
            dzu[m] = dh[m] * (hPrev[m] - c[m]) * u[m] * (1 - u[m]);
            direct[m] = dh[m] * u[m];
        }
        return (dzc, dzu, direct);
    }

    /// <summary>From d(r·h): dzr and the gradient d(r·h)·r into hPrev.</summary>
    public static (double[] Dzr, double[] DhFromR) GruGateBackward(double[] r, double[] hPrev, double[] drh) =>
        (r.Select((rm, m) => drh[m] * hPrev[m] * rm * (1 - rm)).ToArray(), r.Select((rm, m) => drh[m] * rm).ToArray());
}
