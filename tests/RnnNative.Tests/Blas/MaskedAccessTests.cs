using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>AVX-512 masked moves: the first <c>count</c> lanes and nothing else, at every count and offset.</summary>
public class MaskedAccessTests
{
    [Fact]
    public void IsSupportedExactlyWhenTheCpuHasAvx512FAndBwWithVl() =>
        Assert.Equal(Avx512F.IsSupported && Avx512BW.VL.IsSupported, MaskedAccess.IsSupported);

    [Fact]
    public void FirstLanesSetsExactlyTheFirstCountLanes()
    {
        for (int count = 0; count <= 16; count++)
        {
            var mask = MaskedAccess.FirstLanes(count).AsInt32();
            for (int lane = 0; lane < 16; lane++)
                Assert.Equal(lane < count ? -1 : 0, mask[lane]);
        }
    }

    [Fact]
    public void LoadReadsTheMaskedLanesAndStoreWritesOnlyThem()
    {
        if (!MaskedAccess.IsSupported)
            return;   // the intrinsics do not exist here; RowLoop then never calls them (RowKernelTests)
        for (int offset = 0; offset < 4; offset++)
            for (int count = 0; count <= 16; count++)
            {
                var source = Enumerable.Range(0, 24).Select(i => i + 0.5f).ToArray();
                var mask = MaskedAccess.FirstLanes(count);
                var loaded = MaskedAccess.Load(ref source[offset], mask);
                for (int lane = 0; lane < 16; lane++)
                    Assert.Equal(lane < count ? source[offset + lane] : 0f, loaded[lane]);

                var destination = Enumerable.Repeat(-7f, 24).ToArray();
                MaskedAccess.Store(ref destination[offset], mask, Vector512.Create(3f));
                for (int i = 0; i < destination.Length; i++)
                    Assert.Equal(i >= offset && i < offset + count ? 3f : -7f, destination[i]);

                var halves = Enumerable.Repeat((ushort)0xABCD, 24).ToArray();
                MaskedAccess.Store(ref halves[offset], mask, Vector256.Create((ushort)0x3F80));
                for (int i = 0; i < halves.Length; i++)
                    Assert.Equal(i >= offset && i < offset + count ? 0x3F80 : 0xABCD, halves[i]);
            }
    }
}
