SELECT count(*) FROM singer
SELECT T1.Name, count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID GROUP BY T1.Name HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 3
WITH a AS (SELECT Country, avg(Age) AS x FROM singer GROUP BY Country) SELECT * FROM a WHERE x > (SELECT avg(Age) FROM singer)
SELECT Name FROM singer WHERE Singer_ID NOT IN (SELECT Singer_ID FROM singer_in_concert) UNION SELECT Name FROM stadium
SELECT Name, rank() OVER (PARTITION BY Country ORDER BY Age) FROM singer WHERE Country = 'France' AND Age BETWEEN 20 AND 30
SELECT CASE WHEN Age > 30 THEN 'a' ELSE 'b' END, CAST(Age AS TEXT) FROM singer s WHERE EXISTS (SELECT 1 FROM concert c WHERE c.Stadium_ID = s.Singer_ID)
SELECT count(*) FILTER (WHERE Age > 30) FROM singer
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY Age) FROM singer
SELECT s.Name, x.n FROM singer s CROSS JOIN LATERAL (SELECT count(*) AS n FROM singer_in_concert c WHERE c.Singer_ID = s.Singer_ID) x
SELECT * FROM singer NATURAL JOIN singer_in_concert
SELECT * FROM concert JOIN stadium USING (Stadium_ID)
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r
SELECT Fname FROM Student WHERE StuID IN (SELECT T1.StuID FROM Has_Pet AS T1 JOIN Pets AS T2 ON T1.PetID = T2.PetID WHERE T2.PetType = 'cat') EXCEPT SELECT Fname FROM Student WHERE Age > 20
SELECT YEAR(order_date), paid FROM Orders WHERE paid = TRUE
SELECT TOP 5 Name FROM singer
SELECT Name FROM singer WHERE Name ILIKE '%a%'
SELECT OrderID FROM Orders WHERE order_date > now() - interval '1 day'
SELECT order FROM Orders
SELECT Nmae FROM singer
SELECT Name FROM singer, stadium
SELECT 1; DROP TABLE singer
COMMIT; DROP TABLE singer
WITH d AS (DELETE FROM singer RETURNING *) SELECT * FROM d
SELECT * INTO x FROM singer
SELECT * FROM singer FOR UPDATE
SELECT load_extension('x')
SELECT pg_sleep(10)
SELECT SLEEP(10)
SELECT * FROM singer INTO OUTFILE '/tmp/x'
ATTACH DATABASE '/tmp/x' AS x
PRAGMA writable_schema = 1
SELECT 1 /*!50000 ; DROP TABLE singer */
SELECT Name FROM singer WHERE Name = E'\'; DROP TABLE singer; --'
SELECT 1 AS "a""; DROP TABLE singer; --"
