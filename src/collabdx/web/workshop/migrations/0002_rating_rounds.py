# Rating rounds (issue 12, attack 4). Ratings given before rounds existed become round 1
# of their wave, closed on the date of the last of them: they were collected in one go
# and nothing may be added to them now, so their figures cannot change any more.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max, Min


def existing_ratings_become_round_one(apps, schema_editor):
    Rating = apps.get_model("workshop", "MaturityRating")
    Round = apps.get_model("workshop", "RatingRound")
    for wave_id in Rating.objects.values_list("wave_id", flat=True).distinct().order_by():
        dates = Rating.objects.filter(wave_id=wave_id).aggregate(
            first=Min("submitted_on"), last=Max("submitted_on")
        )
        r = Round.objects.create(
            wave_id=wave_id, number=1, opened_on=dates["first"], closed_on=dates["last"]
        )
        Rating.objects.filter(wave_id=wave_id).update(round=r)


class Migration(migrations.Migration):
    dependencies = [
        ("collab", "0001_initial"),
        ("workshop", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RatingRound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField()),
                ("opened_on", models.DateField()),
                ("closed_on", models.DateField(blank=True, null=True)),
                (
                    "wave",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rating_rounds",
                        to="collab.wave",
                    ),
                ),
            ],
            options={"ordering": ["wave", "number"]},
        ),
        migrations.AddConstraint(
            model_name="ratinground",
            constraint=models.UniqueConstraint(
                fields=("wave", "number"), name="one_round_number_per_wave"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratinground",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closed_on__isnull", True)),
                fields=("wave",),
                name="one_open_round_per_wave",
            ),
        ),
        migrations.AddField(
            model_name="maturityrating",
            name="round",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ratings",
                to="workshop.ratinground",
            ),
        ),
        migrations.RunPython(existing_ratings_become_round_one, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="maturityrating",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ratings",
                to="workshop.ratinground",
            ),
        ),
    ]
