-- deleteTour
delete from "wall_tours" where "id" = $1;

-- findExistingRegions
select "code" from "regions" where "code" in ($1);

-- findTour
select "id", "name", "steps", "updated_at" as "updatedAt" from "wall_tours" where "id" = $1;

-- findTours
select "id", "name", "steps", "updated_at" as "updatedAt" from "wall_tours" order by "id";

-- insertTour
insert into "wall_tours" ("name", "steps", "created_by") values ($1, $2, $3) returning "id";

-- updateTour
update "wall_tours" set "name" = $1, "steps" = $2, "updated_at" = $3 where "id" = $4;
