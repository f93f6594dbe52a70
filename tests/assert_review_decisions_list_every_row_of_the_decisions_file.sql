-- Nothing a reviewer wrote is lost: review_decisions has one row per row of the
-- decisions file, whatever became of it. Returns a row when the counts differ.
with

counts as (

    select
        (select count(*) from {{ source('landing', 'review__decisions') }}) as file_rows,
        (select count(*) from {{ ref('review_decisions') }}) as listed_rows

)

select *
from counts
where file_rows <> listed_rows
