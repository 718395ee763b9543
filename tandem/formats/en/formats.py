"""English dates as the people of a (mostly European) tandem read them: day before month,
24-hour clock, the month in letters so 03/04 is never ambiguous. The same order as the
check-in pages' own formats; German keeps Django's formats (day first, 24-hour clock already).
Input formats are not touched: forms take ISO dates and times."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
