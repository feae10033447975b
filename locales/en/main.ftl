# spacewarden's messages in English. Every id here must also be in every other file
# under locales/ (the test `every_language_has_every_id` fails otherwise).

banner-attention = { $count ->
    [one] { $count } Space needs attention
   *[other] { $count } Spaces need attention
}
