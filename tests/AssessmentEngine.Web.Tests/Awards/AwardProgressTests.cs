using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Awards;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Awards;

/// <summary>Progress toward the SVQ in Customer Service level 4 (G8NN 24) and the City &amp; Guilds 4417-03, over the rules the repository's bank encodes.</summary>
public sealed class AwardProgressTests
{
    private static readonly Lazy<BankLoad> Bank = new(() =>
        ItemBankLoader.Load([Path.Combine(BankFolder.RepositoryRoot, "itembank")], BankFolder.RepositoryRoot));

    private static Qualification Svq => Bank.Value.Qualifications.Single(q => q.Code == "G8NN 24");

    private static Qualification CityAndGuilds => Bank.Value.Qualifications.Single(q => q.Code == "4417-03");

    private static Qualification Ocr => Bank.Value.Qualifications.Single(q => q.Code == "03456");

    private static readonly string[] Mandatory = ["F05T 04", "F04E 04"];

    // One from each theme: Impression and Image, Delivery, Handling Problems, Development and Improvement.
    private static readonly string[] OnePerTheme = ["F05V 04", "F27R 04", "F01S 04", "F04F 04"];

    private static readonly string[] ThreeMoreFromDelivery = ["F27S 04", "F27T 04", "F27V 04"];

    private static AwardProgress Progress(Qualification qualification, IEnumerable<string> achieved, IEnumerable<string>? inProgress = null) =>
        AwardProgress.Of(qualification, achieved.ToHashSet(StringComparer.Ordinal), (inProgress ?? []).ToHashSet(StringComparer.Ordinal));

    [Fact]
    public void Two_mandatory_and_seven_optional_units_covering_every_theme_meet_the_rules()
    {
        var progress = Progress(Svq, [.. Mandatory, .. OnePerTheme, .. ThreeMoreFromDelivery]);

        Assert.True(progress.Met);
        Assert.Empty(progress.StillNeeded);
        Assert.Equal(9, progress.Achieved.Count);
        Assert.Equal(9, progress.UnitsNeeded);
    }

    [Fact]
    public void Seven_optional_units_with_a_theme_missing_do_not_meet_the_rules()
    {
        // Seven optional units, none from Handling Problems.
        var progress = Progress(Svq, [.. Mandatory, "F05V 04", "F27P 04", "F27R 04", "F27S 04", "F27T 04", "F04F 04", "F27X 04"]);

        Assert.False(progress.Met);
        var optional = progress.Groups.Single(g => g.Group.Name == "Optional");
        Assert.Equal(7, optional.Achieved.Count);
        Assert.Equal(1, optional.UnitsShort);
        Assert.Equal("1 more optional unit, at least one from Handling Problems", optional.StillNeeded);
        Assert.True(progress.Groups.Single(g => g.Group.Name == "Mandatory").Met);
    }

    [Fact]
    public void Six_optional_units_and_a_missing_mandatory_unit_say_what_is_still_needed()
    {
        var progress = Progress(Svq, ["F05T 04", "F05V 04", "F27R 04", "F27S 04", "F27T 04", "F27V 04", "F04F 04"], inProgress: ["F04E 04", "F27W 04"]);

        Assert.False(progress.Met);
        Assert.Equal(["1 more mandatory unit: F04E 04", "1 more optional unit, at least one from Handling Problems"], progress.StillNeeded);
        Assert.Equal(["F04E 04"], progress.Groups[0].InProgress);
        Assert.Equal(["F27W 04"], progress.Groups[1].InProgress);
        Assert.Equal(["F27W 04"], progress.Groups[1].Themes.Single(t => t.Theme.Name == "Handling Problems").InProgress);
    }

    [Fact]
    public void Missing_themes_can_ask_for_more_units_than_the_count_alone()
    {
        // Five optional units, all from Delivery and Development and Improvement: two more are needed, one from each missing theme.
        var progress = Progress(Svq, [.. Mandatory, "F27R 04", "F27S 04", "F04F 04", "F27X 04", "F27Y 04"]);

        Assert.Equal("2 more optional units, at least one from Impression and Image and one from Handling Problems", progress.StillNeeded.Single());
        var nothing = Progress(Svq, []);
        Assert.Equal(["2 more mandatory units: F05T 04, F04E 04",
            "7 more optional units, at least one from Impression and Image, one from Delivery, one from Handling Problems and one from Development and Improvement"], nothing.StillNeeded);
    }

    [Fact]
    public void Extra_units_are_fine_and_units_outside_the_qualification_are_ignored()
    {
        var progress = Progress(Svq, [.. Mandatory, .. OnePerTheme, .. ThreeMoreFromDelivery, "F27P 04", "F280 04", "FE6V 35"]);

        Assert.True(progress.Met);
        Assert.Equal(11, progress.Achieved.Count);
        Assert.DoesNotContain("FE6V 35", progress.Achieved);
    }

    [Fact]
    public void A_mandatory_unit_counts_toward_its_own_group_only()
    {
        // Both mandatory units and six optional: eight units, but only six toward the seven optional.
        var progress = Progress(Svq, [.. Mandatory, .. OnePerTheme, "F27S 04", "F27T 04"]);

        Assert.False(progress.Met);
        Assert.Equal(6, progress.Groups.Single(g => g.Group.Name == "Optional").Achieved.Count);
        Assert.Equal("1 more optional unit", progress.StillNeeded.Single());
    }

    [Fact]
    public void Without_the_mandatory_units_nine_optional_units_do_not_meet_the_rules()
    {
        var progress = Progress(Svq, [.. OnePerTheme, .. ThreeMoreFromDelivery, "F27P 04", "F27W 04"]);

        Assert.False(progress.Met);
        Assert.Equal("2 more mandatory units: F05T 04, F04E 04", progress.StillNeeded.Single());
    }

    [Fact]
    public void The_certificate_of_credits_needs_both_units_and_their_thirteen_credits()
    {
        var one = Progress(CityAndGuilds, ["4417-03/301"]);
        Assert.False(one.Met);
        Assert.Equal(6, one.Credits);
        Assert.Equal(["1 more mandatory unit: 4417-03/302", "7 more credits in all"], one.StillNeeded);

        var both = Progress(CityAndGuilds, ["4417-03/301", "4417-03/302"]);
        Assert.True(both.Met);
        Assert.Equal(13, both.Credits);
    }

    [Fact]
    public void The_NVQ_diploma_needs_a_unit_of_each_optional_group_thirty_optional_credits_ten_of_them_at_level_3_and_forty_two_in_all()
    {
        // A14 (8 credits, level 3), B9 (6, level 3), C6 (10, level 3), D8 (8, level 3): 32 optional credits, all at level 3.
        var met = Progress(Ocr, ["F3", "F4", "A14", "B9", "C6", "D8"]);
        Assert.True(met.Met);
        Assert.Equal(44, met.Credits);

        // One level 2 unit from each group and a second from B: 32 optional credits, none at level 3.
        var lowLevel = Progress(Ocr, ["F3", "F4", "A5", "A7", "B5", "C3", "D1"]);
        Assert.False(lowLevel.Met);
        Assert.Equal(["10 more credits at level 3 from Optional"], lowLevel.StillNeeded);

        // Group E missing, and credit short.
        var noE = Progress(Ocr, ["F3", "F4", "A14", "B9", "C6"]);
        Assert.Equal(["1 more optional unit, at least one from Group E: Development and Improvement, 6 more credits from Optional", "6 more credits in all"], noE.StillNeeded);
        Assert.True(Ocr.OutsideBank.ContainsKey("D8"));
        Assert.Equal(3, Ocr.Levels["F3"]);
    }
}
