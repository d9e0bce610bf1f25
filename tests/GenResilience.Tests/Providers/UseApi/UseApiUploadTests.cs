using System.Text;
using GenResilience.Testing;
using static GenResilience.Tests.Providers.UseApi.UseApiHarness;

namespace GenResilience.Tests.Providers.UseApi;

public class UseApiUploadTests
{
    private const string Assets = "/v1/ltxstudio/assets/";
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4];

    [Fact]
    public async Task GenerateVideoAsync_WithAReferenceImage_UploadsTheRawBytesAndStartsFromTheAsset()
    {
        using var h = Create(o => o.Accounts = [new UseApiAccountOptions { Email = "a@example.com" }], simulator: s => s.AddAccount("a@example.com"));
        int opened = 0;
        var image = UseApiUpload.FromStream(() => { opened++; return new MemoryStream(Png); }, "image/png", "fox.png");

        UseApiVideoResult result = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo2, ReferenceImage = image }));

        SimulatedRequest upload = Assert.Single(h.Simulator.Requests, r => r.Method == "POST" && r.Path == Assets);
        Assert.Equal(Png, upload.Body);
        Assert.Equal("image/png", upload.Headers["Content-Type"]);
        Assert.Contains("type=reference-image", upload.Query, StringComparison.Ordinal);
        Assert.Contains("email=a%40example.com", upload.Query, StringComparison.Ordinal);
        Assert.Contains("\"startAssetId\":\"asset:", Assert.Single(h.Creates).BodyText, StringComparison.Ordinal);
        Assert.Equal(UseApiModel.Veo2, result.Model);
        Assert.Empty(result.Warnings);
        Assert.Equal(1, opened);
    }

    [Fact]
    public async Task UploadAssetAsync_522ThenSuccess_ReopensTheFileForTheRetry()
    {
        using var h = Create(simulator: s => s.FailNext(1, 522, Assets));
        int opened = 0;
        var image = UseApiUpload.FromStream(() => { opened++; return new MemoryStream(Png); }, "image/png");

        string assetId = await h.RunAsync(h.Client.UploadAssetAsync(image));

        Assert.StartsWith("asset:", assetId, StringComparison.Ordinal);
        Assert.Equal(2, opened);
        Assert.All(h.Simulator.RequestsUnder(Assets), r => Assert.Equal(Png, r.Body));
    }

    [Fact]
    public async Task GenerateVideoAsync_UploadStillFailsAfterRetries_GoesOnTextOnlyAndSaysSo()
    {
        using var h = Create(simulator: s => s.FailNext(4, 522, Assets));
        var image = UseApiUpload.FromStream(() => new MemoryStream(Png), "image/png", "fox.png");

        UseApiVideoResult result = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.LtxvTurbo, ReferenceImage = image }));

        string warning = Assert.Single(result.Warnings);
        Assert.Contains("fox.png could not be uploaded", warning, StringComparison.Ordinal);
        Assert.Contains("from the prompt alone", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("startAssetId", Assert.Single(h.Creates).BodyText, StringComparison.Ordinal);
        Assert.Single(h.Messages("UseApiUploadSkipped"));
    }

    [Fact]
    public async Task GenerateVideoAsync_UploadFailsWithContinueWithoutReferenceImageOff_FailsWithTheUploadError()
    {
        using var h = Create(o => o.ContinueWithoutReferenceImage = false, simulator: s => s.FailNext(4, 522, Assets));
        var image = UseApiUpload.FromStream(() => new MemoryStream(Png), "image/png", "fox.png");

        GenerationException error = await h.FailsAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", ReferenceImage = image }));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal("upload", error.Operation);
        Assert.Empty(h.Creates);
    }

    [Fact]
    public async Task UploadAssetAsync_FromAFile_SendsItsBytesWithTheMimeTypeOfItsExtension()
    {
        using var h = Create();
        string path = Path.Combine(Path.GetTempPath(), $"genresilience-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes("not really a jpeg"));
        try
        {
            await h.RunAsync(h.Client.UploadAssetAsync(UseApiUpload.FromFile(path)));
        }
        finally
        {
            File.Delete(path);
        }

        SimulatedRequest upload = Assert.Single(h.Simulator.RequestsUnder(Assets));
        Assert.Equal("image/jpeg", upload.Headers["Content-Type"]);
        Assert.Equal("not really a jpeg", upload.BodyText);
    }
}
